import { randomUUID } from 'node:crypto';
import coCreation from '../../plugins/co-creation';
import loyalty from '../../plugins/loyalty-points';
import { webhooksPlugin } from '../../plugins/webhooks';

// Endpoints on 127.0.0.1 need a deployment that allows private addresses.
const webhooks = webhooksPlugin({ allowPrivateAddresses: true });
import { sellerScopes, type SellerScope } from '../../src/auth/viewer';
import { cartWith, insertCustomers, madrid, type TestCustomer } from '../helpers/customers';
import { createListing, createProduct, createSeller, type TestSeller } from '../helpers/fixtures';
import type { GraphQLResponse } from '../helpers/graphql-client';
import { pdfTexts } from '../helpers/pdf-text';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { subscribe, wsClient, wsRequest } from '../helpers/ws-client';

let t: TestApp;
let seller: TestSeller;
let buyer: TestCustomer;

beforeAll(async () => {
  t = await startTestApp({
    plugins: [coCreation, loyalty, webhooks],
    migrateOnStart: true,
    eventPollIntervalMs: 50,
  });
  seller = await createSeller(t);
  [buyer] = (await insertCustomers(t, 1)) as [TestCustomer];
  for (const plugin of ['co-creation', 'webhooks']) {
    const res = await t.data(
      'mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { userErrors { code message } } }',
      { input: { plugin, config: {} } },
      seller.key,
    );
    expect(res.pluginInstall.userErrors).toEqual([]);
  }
});
afterAll(() => t.stop());

/** A new key of `seller` with exactly `scopes`, made by the operator. */
async function keyWith(scopes: SellerScope[], of: TestSeller = seller): Promise<{ id: string; secret: string }> {
  const res = await t.data(
    `mutation ($input: SellerApiKeyCreateInput!) {
      sellerApiKeyCreate(input: $input) { apiKey { id scopes } secret userErrors { field message code } }
    }`,
    { input: { sellerId: of.id, name: `key of ${scopes.length} scopes`, scopes } },
    ADMIN_KEY,
  );
  expect(res.sellerApiKeyCreate.userErrors).toEqual([]);
  expect(res.sellerApiKeyCreate.apiKey.scopes.sort()).toEqual([...scopes].sort());
  return { id: res.sellerApiKeyCreate.apiKey.id, secret: res.sellerApiKeyCreate.secret };
}

/** Whether a response is a refusal for lack of rights: FORBIDDEN as the error or as a userError. */
function refused(res: GraphQLResponse): boolean {
  if (res.errors?.some((e) => e.extensions?.['code'] === 'FORBIDDEN')) return true;
  return Object.values(res.data ?? {}).some((p) => (p as { userErrors?: { code: string }[] } | null)?.userErrors?.some((e) => e.code === 'FORBIDDEN'));
}

async function paidOrder(customer: TestCustomer, listingId: string, shippingAddress: Record<string, unknown> = madrid): Promise<{ orderId: string; invoiceId: string }> {
  const cartId = await cartWith(t, customer.token, [{ listingId, quantity: 1 }]);
  const res = await t.data(
    `mutation ($input: CheckoutCompleteInput!) {
      checkoutComplete(input: $input) { checkout { orders { id invoice { id } } } userErrors { field message code } }
    }`,
    { input: { cartId, shippingAddress, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
    customer.token,
  );
  expect(res.checkoutComplete.userErrors).toEqual([]);
  const [order] = res.checkoutComplete.checkout.orders;
  return { orderId: order.id, invoiceId: order.invoice.id };
}

const payloadOf = (name: string, fields = '__typename') => `userErrors { field message code } ${fields}`.replace('__typename', name);

interface Operation {
  name: string;
  scope: SellerScope;
  query: string;
  /** Variables for the run with the scope (and, refused, the run before it). */
  variables: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

describe('seller key scopes', () => {
  let productId: string;
  let variantId: string;
  let listingId: string;

  beforeAll(async () => {
    const product = await createProduct(t, seller.key, { variants: [{ title: 'S', options: [] }, { title: 'M', options: [] }] });
    productId = product.id;
    variantId = product.variantIds[0]!;
    listingId = await createListing(t, seller.key, variantId, { stock: 100 });
  });

  const newProduct = () => createProduct(t, seller.key);
  const newListing = async () => createListing(t, seller.key, (await newProduct()).variantIds[0]!);
  const newOrder = async () => (await paidOrder(buyer, await newListing())).orderId;
  const newProposal = async () => {
    const res = await t.data(
      `mutation ($input: CoCreationProposalCreateInput!) { coCreationProposalCreate(input: $input) { proposal { id } userErrors { code message } } }`,
      { input: { sellerId: seller.id, title: `Idea ${randomUUID()}`, description: 'A pocket for the dog.' } },
      (await insertCustomers(t, 1))[0]!.token,
    );
    expect(res.coCreationProposalCreate.userErrors).toEqual([]);
    return res.coCreationProposalCreate.proposal.id as string;
  };
  const newEndpoint = async () => {
    const res = await t.data(
      `mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id } userErrors { code message } } }`,
      { input: { url: 'http://127.0.0.1:9/hooks', events: ['order.paid'] } },
      seller.key,
    );
    expect(res.webhookEndpointCreate.userErrors).toEqual([]);
    return res.webhookEndpointCreate.endpoint.id as string;
  };
  const fulfilledOrder = async () => {
    const id = await newOrder();
    await t.data(
      'mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { userErrors { code } } }',
      { input: { id, carrier: 'SEUR', trackingNumber: '1' } },
      seller.key,
    );
    return id;
  };
  const newReview = async () => {
    const id = await fulfilledOrder();
    await t.data('mutation ($input: OrderIdInput!) { orderMarkDelivered(input: $input) { userErrors { code } } }', { input: { id } }, seller.key);
    const order = await t.data('query ($id: ID!) { order(id: $id) { lines { id } } }', { id }, buyer.token);
    const res = await t.data(
      'mutation ($input: ReviewCreateInput!) { reviewCreate(input: $input) { review { id } userErrors { code message } } }',
      { input: { orderLineId: order.order.lines[0].id, rating: 4, title: 'Fine', body: 'Fine.' } },
      buyer.token,
    );
    expect(res.reviewCreate.userErrors).toEqual([]);
    return res.reviewCreate.review.id as string;
  };
  const m = (name: string, input: string, fields = '') => `mutation ($input: ${input}!) { ${name}(input: $input) { ${payloadOf(name, fields)} } }`;

  // Every seller mutation there is, and the reads beyond the public view.
  const operations: Operation[] = [
    { name: 'reviewReply', scope: 'reviews:write', query: m('reviewReply', 'ReviewReplyInput'), variables: async () => ({ input: { id: await newReview(), body: 'Thank you!' } }) },
    { name: 'productCreate', scope: 'catalog:write', query: m('productCreate', 'ProductCreateInput'), variables: () => ({ input: { title: `P ${randomUUID()}` } }) },
    { name: 'productUpdate', scope: 'catalog:write', query: m('productUpdate', 'ProductUpdateInput'), variables: () => ({ input: { id: productId, title: 'Renamed' } }) },
    { name: 'productArchive', scope: 'catalog:write', query: m('productArchive', 'ProductArchiveInput'), variables: async () => ({ input: { id: (await newProduct()).id } }) },
    {
      name: 'productVariantsCreate',
      scope: 'catalog:write',
      query: m('productVariantsCreate', 'ProductVariantsCreateInput'),
      variables: () => ({ input: { productId, variants: [{ title: `V ${randomUUID()}` }] } }),
    },
    { name: 'productVariantUpdate', scope: 'catalog:write', query: m('productVariantUpdate', 'ProductVariantUpdateInput'), variables: () => ({ input: { id: variantId, title: 'Small' } }) },
    {
      name: 'listingCreate',
      scope: 'catalog:write',
      query: m('listingCreate', 'ListingCreateInput'),
      variables: async () => ({ input: { variantId: (await newProduct()).variantIds[0], sku: randomUUID(), price: { amount: 900, currency: 'EUR' }, stock: 1 } }),
    },
    { name: 'listingUpdate', scope: 'catalog:write', query: m('listingUpdate', 'ListingUpdateInput'), variables: () => ({ input: { id: listingId, handlingDays: 2 } }) },
    { name: 'listingArchive', scope: 'catalog:write', query: m('listingArchive', 'ListingArchiveInput'), variables: async () => ({ input: { id: await newListing() } }) },
    { name: 'listingStockSet', scope: 'stock:write', query: m('listingStockSet', 'ListingStockSetInput'), variables: () => ({ input: { listingId, stock: 50 } }) },
    { name: 'listingStockAdjust', scope: 'stock:write', query: m('listingStockAdjust', 'ListingStockAdjustInput'), variables: () => ({ input: { listingId, delta: 1 } }) },
    {
      name: 'orderFulfill',
      scope: 'orders:fulfil',
      query: m('orderFulfill', 'OrderFulfillInput'),
      variables: async () => ({ input: { id: await newOrder(), carrier: 'SEUR', trackingNumber: 'X1' } }),
    },
    { name: 'orderMarkDelivered', scope: 'orders:fulfil', query: m('orderMarkDelivered', 'OrderIdInput'), variables: async () => ({ input: { id: await fulfilledOrder() } }) },
    { name: 'orderCancel', scope: 'orders:refund', query: m('orderCancel', 'OrderCancelInput'), variables: async () => ({ input: { id: await newOrder(), reason: 'Out of stock' } }) },
    { name: 'sellerUpdate', scope: 'settings:write', query: m('sellerUpdate', 'SellerUpdateInput'), variables: () => ({ input: { description: 'We sell things.' } }) },
    { name: 'sellerApiKeyCreate', scope: 'keys:write', query: m('sellerApiKeyCreate', 'SellerApiKeyCreateInput'), variables: () => ({ input: { name: 'more', scopes: [] } }) },
    { name: 'sellerApiKeyRevoke', scope: 'keys:write', query: m('sellerApiKeyRevoke', 'SellerApiKeyRevokeInput'), variables: async () => ({ input: { id: (await keyWith([])).id } }) },
    { name: 'pluginInstall', scope: 'plugins:write', query: m('pluginInstall', 'PluginInstallInput'), variables: () => ({ input: { plugin: 'loyalty-points', config: {} } }) },
    { name: 'pluginConfigure', scope: 'plugins:write', query: m('pluginConfigure', 'PluginInstallInput'), variables: () => ({ input: { plugin: 'loyalty-points', config: {} } }) },
    { name: 'pluginUninstall', scope: 'plugins:write', query: m('pluginUninstall', 'PluginUninstallInput'), variables: () => ({ input: { plugin: 'loyalty-points', purge: true } }) },
    {
      name: 'webhookEndpointCreate',
      scope: 'webhooks:write',
      query: m('webhookEndpointCreate', 'WebhookEndpointCreateInput'),
      variables: () => ({ input: { url: 'http://127.0.0.1:9/hooks', events: ['order.*'] } }),
    },
    { name: 'webhookEndpointUpdate', scope: 'webhooks:write', query: m('webhookEndpointUpdate', 'WebhookEndpointUpdateInput'), variables: async () => ({ input: { id: await newEndpoint(), active: false } }) },
    {
      name: 'webhookEndpointSecretRotate',
      scope: 'webhooks:write',
      query: m('webhookEndpointSecretRotate', 'WebhookEndpointSecretRotateInput'),
      variables: async () => ({ input: { id: await newEndpoint() } }),
    },
    { name: 'webhookEndpointDelete', scope: 'webhooks:write', query: m('webhookEndpointDelete', 'WebhookEndpointIdInput'), variables: async () => ({ input: { id: await newEndpoint() } }) },
    { name: 'webhookEndpoints', scope: 'webhooks:write', query: '{ webhookEndpoints { id } }', variables: () => ({}) },
    { name: 'webhookDeliveries', scope: 'webhooks:write', query: '{ webhookDeliveries(first: 5) { nodes { id responseBody } } }', variables: () => ({}) },
    { name: 'coCreationProposalReject', scope: 'catalog:write', query: m('coCreationProposalReject', 'CoCreationProposalRejectInput', 'proposal { status }'), variables: async () => ({ input: { proposalId: await newProposal() } }) },
    {
      name: 'coCreationProposalConvert',
      scope: 'catalog:write',
      query: m('coCreationProposalConvert', 'CoCreationProposalConvertInput'),
      // An open proposal can't be converted yet: the scoped key gets INVALID_STATE, not FORBIDDEN.
      variables: async () => ({ input: { proposalId: await newProposal(), price: { amount: 5000, currency: 'EUR' }, preorderStock: 10 } }),
    },
    { name: 'sellerOrders', scope: 'orders:read', query: '{ sellerOrders(first: 5) { nodes { id } } }', variables: () => ({}) },
    { name: 'sellerInvoices', scope: 'orders:read', query: '{ sellerInvoices(first: 5) { nodes { id number } } }', variables: () => ({}) },
    { name: 'currentSeller.apiKeys', scope: 'keys:write', query: '{ currentSeller { apiKeys { id scopes } } }', variables: () => ({}) },
    { name: 'currentSeller.plugins', scope: 'plugins:write', query: '{ currentSeller { plugins { plugin config } } }', variables: () => ({}) },
  ];

  it('documents every scope and reserves promotions and complaints', async () => {
    const res = await t.data('{ __type(name: "SellerApiKeyCreateInput") { inputFields { name description } } }');
    const doc: string = res.__type.inputFields.find((f: { name: string }) => f.name === 'scopes').description;
    for (const scope of sellerScopes) expect(doc).toContain(`\`${scope}\`: `);
    expect(sellerScopes).toEqual(expect.arrayContaining(['promotions:write', 'complaints:write', 'customers:read']));
  });

  it.each(operations.map((op) => [op.name, op] as const))('%s: refused to a key without its scope, allowed with it', async (_name, op) => {
    const others = sellerScopes.filter((s) => s !== op.scope);
    for (const key of [await keyWith([]), await keyWith(others)]) {
      const res = await t.request(op.query, await op.variables(), key.secret);
      expect({ op: op.name, refused: refused(res) }).toEqual({ op: op.name, refused: true });
    }
    const res = await t.request(op.query, await op.variables(), (await keyWith([op.scope])).secret);
    expect(res.errors).toBeUndefined();
    expect({ op: op.name, refused: refused(res) }).toEqual({ op: op.name, refused: false });
  });

  it('lets a key with no scopes read what a guest reads and its own seller profile, nothing more', async () => {
    const none = (await keyWith([])).secret;
    const draft = await createProduct(t, seller.key, { status: 'DRAFT' });
    const { orderId, invoiceId } = await paidOrder(buyer, listingId);
    const archived = await newListing();
    await t.data('mutation ($id: ID!) { listingArchive(input: { id: $id }) { userErrors { code } } }', { id: archived }, seller.key);

    const query = `query ($product: ID!, $order: ID!, $invoice: ID!, $seller: ID!) {
      product(id: $product) { id }
      order(id: $order) { id }
      invoice(id: $invoice) { id }
      seller(id: $seller) { listings(first: 100) { nodes { id } } }
      currentSeller { id name slug }
    }`;
    const vars = { product: draft.id, order: orderId, invoice: invoiceId, seller: seller.id };
    const asGuest = await t.data(query.replace('currentSeller { id name slug }', ''), vars);
    const asNone = await t.data(query, vars, none);
    expect(asNone).toEqual({ ...asGuest, currentSeller: { id: seller.id, name: expect.any(String), slug: seller.slug } });
    expect(asNone).toMatchObject({ product: null, order: null, invoice: null });
    expect(asNone.seller.listings.nodes.map((n: { id: string }) => n.id)).not.toContain(archived);

    const pdf = await fetch(new URL(`/invoices/${invoiceId}.pdf`, t.app.url), { headers: { authorization: `Bearer ${none}` } });
    expect(pdf.status).toBe(404);

    const reader = (await keyWith(['orders:read'])).secret;
    expect(await t.data(query, vars, reader)).toMatchObject({ order: { id: orderId }, invoice: { id: invoiceId }, product: null });
    const editor = await t.data(query, vars, (await keyWith(['catalog:write'])).secret);
    expect(editor.product).toEqual({ id: draft.id });
    expect(editor.seller.listings.nodes.map((n: { id: string }) => n.id)).toContain(archived);
    const pdfRead = await fetch(new URL(`/invoices/${invoiceId}.pdf`, t.app.url), { headers: { authorization: `Bearer ${reader}` } });
    expect(pdfRead.status).toBe(200);
  });

  it('never lets a key create a key with more scopes than its own, and defaults to its own', async () => {
    const key = await keyWith(['keys:write', 'stock:write']);
    const create = m('sellerApiKeyCreate', 'SellerApiKeyCreateInput', 'apiKey { scopes }');
    const wider = await t.request(create, { input: { name: 'wider', scopes: ['keys:write', 'orders:refund'] } }, key.secret);
    expect(refused(wider)).toBe(true);
    const same = await t.data(create, { input: { name: 'same' } }, key.secret);
    expect(same.sellerApiKeyCreate.apiKey.scopes.sort()).toEqual(['keys:write', 'stock:write']);
    const unknown = await t.data(create, { input: { name: 'typo', scopes: ['orders:write'] } }, key.secret);
    expect(unknown.sellerApiKeyCreate.userErrors).toEqual([expect.objectContaining({ field: ['input', 'scopes'] })]);
  });
});

describe('revocation over WebSocket', () => {
  const APPROVED = 'subscription { coCreationProposalApproved { id } }';

  it('closes the sockets of a revoked key within seconds, on every instance', async () => {
    const second = await startTestApp({ plugins: [coCreation, loyalty, webhooks] }, { sharing: t });
    try {
      const key = await keyWith(['catalog:write']);
      const clients = [wsClient(t.app.wsUrl, key.secret, { lazy: false }), wsClient(second.app.wsUrl, key.secret, { lazy: false })];
      const other = wsClient(t.app.wsUrl, seller.key, { lazy: false });
      for (const c of [...clients, other]) {
        expect(await wsRequest(c, '{ currentSeller { id } }')).toMatchObject({ data: { currentSeller: { id: seller.id } } });
        subscribe(c, APPROVED);
      }
      const started = Date.now();
      const res = await t.data(
        'mutation ($input: SellerApiKeyRevokeInput!) { sellerApiKeyRevoke(input: $input) { apiKey { revokedAt } userErrors { code } } }',
        { input: { id: key.id } },
        ADMIN_KEY,
      );
      expect(res.sellerApiKeyRevoke.apiKey.revokedAt).not.toBeNull();
      await until(() => clients.every((c) => c.closeCodes.length > 0), 'both sockets closed', 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(clients.map((c) => c.closeCodes)).toEqual([[4403], [4403]]);
      expect(other.closeCodes).toEqual([]);
      expect(await wsRequest(other, '{ currentSeller { id } }')).toMatchObject({ data: { currentSeller: { id: seller.id } } });
      for (const c of [...clients, other]) await c.dispose();
    } finally {
      await second.stop();
    }
  });

  it("closes a suspended seller's sockets", async () => {
    const suspended = await createSeller(t);
    const client = wsClient(t.app.wsUrl, suspended.key, { lazy: false });
    expect(await wsRequest(client, '{ currentSeller { id } }')).toMatchObject({ data: { currentSeller: { id: suspended.id } } });
    await t.data('mutation ($input: SellerSuspendInput!) { sellerSuspend(input: $input) { userErrors { code } } }', { input: { sellerId: suspended.id } }, ADMIN_KEY);
    await until(() => client.closeCodes.length > 0, 'socket closed', 5_000);
    expect(client.closeCodes).toEqual([4403]);
    await client.dispose();
  });
});

describe("buyer contact details reach a seller only with the buyer's consent and customers:read", () => {
  const ORDER = `query ($id: ID!) { order(id: $id) { customer { name email } shippingAddress { name line1 phone } } }`;
  const INVOICE = `query ($id: ID!) { invoice(id: $id) { buyer { name email address { line1 phone } } } }`;
  const phone = '+34 600 000 000';

  async function purchase(consents: boolean) {
    const [customer] = (await insertCustomers(t, 1)) as [TestCustomer];
    if (consents) {
      await t.data(
        'mutation { customerConsentsUpdate(input: { source: "test", consents: [{ kind: SHARE_PROFILE_WITH_SELLERS, granted: true }] }) { userErrors { code } } }',
        {},
        customer.token,
      );
    }
    const listing = await createListing(t, seller.key, (await createProduct(t, seller.key)).variantIds[0]!);
    return { customer, ...(await paidOrder(customer, listing, { ...madrid, phone })) };
  }

  const email = (customerId: string) => `${customerId}@example.com`;

  it('hides email and phone in orders and invoices without both, shows them with both', async () => {
    const silent = await purchase(false);
    const sharing = await purchase(true);
    const reader = (await keyWith(['orders:read'])).secret;
    const contact = (await keyWith(['orders:read', 'customers:read'])).secret;
    const hidden = (o: typeof silent) => ({
      order: { order: { customer: { name: expect.any(String), email: null }, shippingAddress: { name: madrid.name, line1: madrid.line1, phone: null } } },
      invoice: { invoice: { buyer: { name: expect.any(String), email: null, address: { line1: madrid.line1, phone: null } } } },
      o,
    });
    const shown = (o: typeof silent) => ({
      order: { order: { customer: { name: expect.any(String), email: email(o.customer.id) }, shippingAddress: { name: madrid.name, line1: madrid.line1, phone } } },
      invoice: { invoice: { buyer: { name: expect.any(String), email: email(o.customer.id), address: { line1: madrid.line1, phone } } } },
      o,
    });
    const seen = async (o: typeof silent, token: string) => ({
      order: await t.data(ORDER, { id: o.orderId }, token),
      invoice: await t.data(INVOICE, { id: o.invoiceId }, token),
      o,
    });

    expect(await seen(silent, reader)).toEqual(hidden(silent));
    expect(await seen(silent, contact)).toEqual(hidden(silent));
    expect(await seen(sharing, reader)).toEqual(hidden(sharing));
    expect(await seen(sharing, contact)).toEqual(shown(sharing));
    // The buyer and the operator always see them.
    expect(await seen(silent, silent.customer.token)).toEqual(shown(silent));
    expect(await seen(silent, ADMIN_KEY)).toEqual(shown(silent));
  });

  it('keeps the invoice PDF to what the law asks: name and address, no email or phone, for anyone', async () => {
    const sharing = await purchase(true);
    const contact = (await keyWith(['orders:read', 'customers:read'])).secret;
    for (const token of [contact, sharing.customer.token]) {
      const res = await fetch(new URL(`/invoices/${sharing.invoiceId}.pdf`, t.app.url), { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const texts = pdfTexts(Buffer.from(await res.arrayBuffer()));
      expect(texts.some((text) => text.includes(madrid.line1) && text.includes('Buyer'))).toBe(true);
      for (const text of texts) {
        expect(text).not.toContain(email(sharing.customer.id));
        expect(text).not.toContain(phone);
      }
    }
  });
});
