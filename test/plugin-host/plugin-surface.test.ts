import { MADRID, startPluginTestApp, type PluginTestApp, type TestCustomer, type TestSeller } from 'zoco/plugin/testing';
import { REPORTED_COST } from '../helpers/graphql-client';
import { giftWrap, seen } from './gift-wrap';

/**
 * Issue 15's walls, met by a gift-wrap plugin written against the public surface only (zoco/plugin,
 * zoco/plugin/testing): ctx.plugin instead of importing its definition, per-line options and a checkout
 * surcharge, plugin fields on OrderLine, its own node type, typed events by name, seller-less events.
 */
let t: PluginTestApp;
let wrapper: TestSeller;
let plain: TestSeller;
let buyer: TestCustomer;
let wrapListing: string;
let plainListing: string;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [giftWrap] });
  wrapper = await t.seller();
  plain = await t.seller();
  await t.install(wrapper, 'gift-wrap', { price: 250 });
  buyer = await t.customer();
  wrapListing = (await t.listing(wrapper, { price: 2000 })).listingId;
  plainListing = (await t.listing(plain, { price: 1000 })).listingId;
});
afterAll(() => t.stop());

const CART = `query ($id: ID!) { node(id: $id) { ... on Cart {
  lines { id options }
  sellerGroups { seller { id } subtotal { amount } total { amount } adjustments { source label kind amount { amount } lineId } }
} } }`;
const ADD = `mutation ($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { cart { id } userErrors { field code } } }`;
const UPDATE = `mutation ($input: CartLinesUpdateInput!) { cartLinesUpdate(input: $input) { cart { lines { id options } } userErrors { field code } } }`;

describe('ctx.plugin and the narrowed plugin context', () => {
  it("gives resolvers the plugin's scope and config without importing the definition", async () => {
    expect(await t.data('query ($s: ID!) { giftWrapPrice(sellerId: $s) }', { s: wrapper.id }, buyer.token)).toEqual({ giftWrapPrice: 250 });
    const refused = await t.request('query ($s: ID!) { giftWrapPrice(sellerId: $s) }', { s: plain.id }, buyer.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('holds no DataSource: reaching for ctx.db fails', async () => {
    const res = await t.request('{ giftWrapRawDatabase }', {}, buyer.token);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
  });
});

describe('per-line options and a checkout surcharge', () => {
  it('validates options with the plugin schema, for sellers that installed it only', async () => {
    const cartId = await t.cart(buyer, []);
    const bad = await t.data(ADD, { input: { cartId, lines: [{ listingId: wrapListing, options: { 'gift-wrap': { wrap: 'yes', colour: 'red' } } }] } }, buyer.token);
    expect(bad.cartLinesAdd.userErrors).toEqual(
      expect.arrayContaining([
        { field: ['input', 'lines', '0', 'options', 'gift-wrap', 'wrap'], code: 'INVALID' },
        { field: ['input', 'lines', '0', 'options', 'gift-wrap'], code: 'INVALID' },
      ]),
    );
    const notOffered = await t.data(ADD, { input: { cartId, lines: [{ listingId: plainListing, options: { 'gift-wrap': { wrap: true } } }] } }, buyer.token);
    expect(notOffered.cartLinesAdd.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', 'gift-wrap'], code: 'INVALID' }]);
    const unknown = await t.data(ADD, { input: { cartId, lines: [{ listingId: wrapListing, options: { engraving: { text: 'x' } } }] } }, buyer.token);
    expect(unknown.cartLinesAdd.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', 'engraving'], code: 'INVALID' }]);
    const huge = await t.data(ADD, { input: { cartId, lines: [{ listingId: wrapListing, options: { 'gift-wrap': { wrap: true, message: 'x'.repeat(5000) } } }] } }, buyer.token);
    expect(huge.cartLinesAdd.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options'], code: 'TOO_LONG' }]);
  });

  it('puts a surcharge on the cart group of the seller, updates it with the options, and carries it all to the order', async () => {
    const cartId = await t.cart(buyer, [
      { listingId: wrapListing, quantity: 2, options: { 'gift-wrap': { wrap: true, message: 'Happy birthday' } } },
      { listingId: plainListing },
    ]);
    let cart = (await t.data(CART, { id: cartId }, buyer.token)).node;
    const wrapLine = cart.lines.find((l: { options: object }) => Object.keys(l.options).length);
    expect(wrapLine.options).toEqual({ 'gift-wrap': { wrap: true, message: 'Happy birthday' } });
    const group = cart.sellerGroups.find((g: { seller: { id: string } }) => g.seller.id === wrapper.id);
    expect(group.adjustments).toEqual([{ source: 'plugin:gift-wrap', label: 'Gift wrap', kind: 'SURCHARGE', amount: { amount: 500 }, lineId: wrapLine.id }]);
    expect(group.total.amount - group.subtotal.amount).toBeGreaterThanOrEqual(500);
    const other = cart.sellerGroups.find((g: { seller: { id: string } }) => g.seller.id === plain.id);
    expect(other.adjustments).toEqual([]);

    // Unwrapping removes the surcharge; wrapping again brings it back.
    const off = await t.data(UPDATE, { input: { cartId, lines: [{ id: wrapLine.id, quantity: 2, options: { 'gift-wrap': null } }] } }, buyer.token);
    expect(off.cartLinesUpdate.userErrors).toEqual([]);
    cart = (await t.data(CART, { id: cartId }, buyer.token)).node;
    expect(cart.sellerGroups.flatMap((g: { adjustments: unknown[] }) => g.adjustments)).toEqual([]);
    const badUpdate = await t.data(UPDATE, { input: { cartId, lines: [{ id: wrapLine.id, quantity: 2, options: { 'gift-wrap': { wrap: 1 } } }] } }, buyer.token);
    expect(badUpdate.cartLinesUpdate.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', 'gift-wrap', 'wrap'], code: 'INVALID' }]);
    await t.data(UPDATE, { input: { cartId, lines: [{ id: wrapLine.id, quantity: 2, options: { 'gift-wrap': { wrap: true, message: 'Happy birthday' } } }] } }, buyer.token);

    const res = await t.data(
      'mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { orders { id } } userErrors { code } } }',
      { input: { cartId, idempotencyKey: `gift-${Date.now()}`, shippingAddress: MADRID, paymentToken: 'tok_visa' } },
      buyer.token,
    );
    expect(res.checkoutComplete.userErrors).toEqual([]);
    const ORDER = `query ($id: ID!) { node(id: $id) { ... on Order { seller { id } total { amount } subtotal { amount } shipping { amount }
      adjustments { source kind amount { amount } } lines { id options giftWrapMessage } } } }`;
    const orders = await Promise.all(res.checkoutComplete.checkout.orders.map(async (o: { id: string }) => (await t.data(ORDER, { id: o.id }, buyer.token)).node));
    const wrapped = orders.find((o: { seller: { id: string } }) => o.seller.id === wrapper.id);
    expect(wrapped.adjustments).toEqual([{ source: 'plugin:gift-wrap', kind: 'SURCHARGE', amount: { amount: 500 } }]);
    expect(wrapped.total.amount).toBe(wrapped.subtotal.amount + wrapped.shipping.amount + 500);
    expect(wrapped.lines).toEqual([{ id: expect.any(String), options: { 'gift-wrap': { wrap: true, message: 'Happy birthday' } }, giftWrapMessage: 'Happy birthday' }]);
    // The plugin's OrderLine field is null on the orders of a seller without it.
    const unwrapped = orders.find((o: { seller: { id: string } }) => o.seller.id === plain.id);
    expect(unwrapped.lines).toEqual([{ id: expect.any(String), options: {}, giftWrapMessage: null }]);

    // order.paid → the plugin's own event by name → its handler, which finds the order by the line id.
    const lineUuid = Buffer.from(wrapped.lines[0].id, 'base64url').toString().split(':')[1];
    await t.dispatched('gift-wrap.wrapped', (p) => p['orderLineId'] === lineUuid);
    expect(seen.wrapped.map((e) => e.payload['orderLineId'])).toContain(lineUuid);
  });
});

describe("the plugin's node types", () => {
  it('get global IDs that node(id:) refetches, hidden once the seller uninstalls', async () => {
    const seller = await t.seller();
    await t.install(seller, 'gift-wrap');
    const added = await t.data(
      'mutation ($s: ID!) { giftWrapNoteAdd(sellerId: $s, message: "Blue paper please") { note { id message } userErrors { code } } }',
      { s: seller.id },
      buyer.token,
    );
    const { id } = added.giftWrapNoteAdd.note;
    const res = await t.request('query ($id: ID!) { node(id: $id) { __typename id ... on GiftWrapNote { message } } }', { id });
    expect(res).toEqual({ status: 200, data: { node: { __typename: 'GiftWrapNote', id, message: 'Blue paper please' } }, extensions: REPORTED_COST });
    await t.data('mutation { pluginUninstall(input: { plugin: "gift-wrap", purge: false }) { plugin } }', {}, seller.key);
    expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id })).node).toBeNull();
  });
});

describe('events without a seller', () => {
  it('reach a plugin that names them once (customer.erased), and export/erase include its rows', async () => {
    const [leaving] = await t.customers(1);
    await t.data('mutation ($s: ID!) { giftWrapNoteAdd(sellerId: $s, message: "Wrap it") { userErrors { code } } }', { s: wrapper.id }, leaving!.token);
    const exported = await t.app.services.privacy.find((p) => p.name === 'gift-wrap')!.export!(t.app.services as never, leaving!.uuid);
    expect(exported).toEqual({ notes: ['Wrap it'] });
    await t.app.dataSource.query(`INSERT INTO outbox (type, payload) VALUES ('customer.erased', $1)`, [JSON.stringify({ customerId: leaving!.uuid })]);
    await t.dispatched('customer.erased', (p) => p['customerId'] === leaving!.uuid);
    expect(seen.erased.filter((id) => id === leaving!.uuid)).toHaveLength(1);
  });
});

describe('permissions at install', () => {
  const INSTALL = `mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { installation { acceptedPermissions } userErrors { field message code } } }`;

  it('shows them with what each one allows, and records the ones the seller accepted', async () => {
    const offered = await t.data('{ availablePlugins { name permissions permissionDescriptions { name description } } }');
    expect(offered.availablePlugins).toEqual([
      { name: 'gift-wrap', permissions: ['orders:read'], permissionDescriptions: [{ name: 'orders:read', description: expect.stringContaining('orders') }] },
    ]);
    const s = await t.seller();
    const refused = await t.data(INSTALL, { input: { plugin: 'gift-wrap', acceptPermissions: [] } }, s.key);
    expect(refused.pluginInstall.userErrors).toEqual([{ field: ['input', 'acceptPermissions'], message: expect.stringContaining('orders:read'), code: 'INVALID' }]);
    const extra = await t.data(INSTALL, { input: { plugin: 'gift-wrap', acceptPermissions: ['orders:read', 'catalog:write'] } }, s.key);
    expect(extra.pluginInstall.userErrors).toEqual([{ field: ['input', 'acceptPermissions'], message: expect.stringContaining('catalog:write'), code: 'INVALID' }]);
    const ok = await t.data(INSTALL, { input: { plugin: 'gift-wrap', acceptPermissions: ['orders:read'] } }, s.key);
    expect(ok.pluginInstall).toEqual({ installation: { acceptedPermissions: ['orders:read'] }, userErrors: [] });
  });
});
