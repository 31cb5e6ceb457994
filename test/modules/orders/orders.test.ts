import { randomUUID } from 'node:crypto';
import { defineModule } from '../../../src/core/module';
import type { DomainEvent } from '../../../src/events/event-types';
import { testPaymentBook } from '../../helpers/payments';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { until } from '../../helpers/until';

const events: DomainEvent[] = [];
const observer = defineModule({
  name: 'test-observer',
  entities: [],
  resolvers: [],
  hooks: {
    'order.placed': async (e) => void events.push(e),
    'order.cancelled': async (e) => void events.push(e),
  },
});

let t: TestApp;
let seller: TestSeller;
let other: TestSeller;
let listingId: string;
beforeAll(async () => {
  t = await startTestApp({ modules: [observer], eventPollIntervalMs: 50 });
  seller = await createSeller(t);
  other = await createSeller(t);
  const product = await createProduct(t, seller.key);
  listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 2500, currency: 'EUR' }, stock: 100 });
});
afterAll(() => t.stop());

async function buy(customer: TestCustomer, quantity = 1): Promise<{ id: string; checkoutId: string }> {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id orders { id } } userErrors { code message } } }',
    { input: { listingId, quantity, idempotencyKey: randomUUID() } },
    customer.token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
  return { id: res.buyNow.checkout.orders[0].id, checkoutId: res.buyNow.checkout.id };
}

const ORDER = `query ($id: ID!) { order(id: $id) { state carrier trackingNumber fulfilledAt deliveredAt cancelledAt customer { name email } lines { sku quantity } invoice { number } creditNotes { number } } }`;
const FULFILL = `mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { order { state } userErrors { field code message } } }`;
const DELIVER = `mutation ($input: OrderIdInput!) { orderMarkDelivered(input: $input) { order { state } userErrors { code } } }`;
const CANCEL = `mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { state cancelReason } userErrors { code message } } }`;
const stock = async () => (await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { stock } } }', { id: listingId })).node.stock;

describe('orders', () => {
  it('goes PAID → FULFILLED → DELIVERED by its seller, refusing skipped steps', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const order = await buy(buyer!);
    const early = await t.data(DELIVER, { input: { id: order.id } }, seller.key);
    expect(early.orderMarkDelivered.userErrors).toEqual([{ code: 'INVALID_STATE' }]);
    const foreign = await t.data(FULFILL, { input: { id: order.id, carrier: 'SEUR', trackingNumber: 'X1' } }, other.key);
    expect(foreign.orderFulfill.userErrors[0].code).toBe('NOT_FOUND');
    const byCustomer = await t.request(FULFILL, { input: { id: order.id, carrier: 'SEUR', trackingNumber: 'X1' } }, buyer!.token);
    expect(byCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const blank = await t.data(FULFILL, { input: { id: order.id, carrier: '', trackingNumber: 'X1' } }, seller.key);
    expect(blank.orderFulfill.userErrors[0]).toMatchObject({ field: ['input', 'carrier'], code: 'BLANK' });

    await t.data(FULFILL, { input: { id: order.id, carrier: 'Correos', trackingNumber: 'PK123ES' } }, seller.key);
    const lateCancel = await t.data(CANCEL, { input: { id: order.id } }, buyer!.token);
    expect(lateCancel.orderCancel.userErrors).toEqual([{ code: 'INVALID_STATE', message: expect.stringContaining('FULFILLED') }]);
    await t.data(DELIVER, { input: { id: order.id } }, seller.key);
    const view = await t.data(ORDER, { id: order.id }, buyer!.token);
    expect(view.order).toMatchObject({ state: 'DELIVERED', carrier: 'Correos', trackingNumber: 'PK123ES' });
    expect(view.order.fulfilledAt).not.toBeNull();
    expect(view.order.deliveredAt).not.toBeNull();
  });

  it('lets the customer cancel before fulfilment: stock back, money back, a credit note', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const before = await stock();
    const order = await buy(buyer!, 3);
    expect(await stock()).toBe(before - 3);
    const res = await t.data(CANCEL, { input: { id: order.id, reason: 'changed my mind' } }, buyer!.token);
    expect(res.orderCancel.order).toEqual({ state: 'CANCELLED', cancelReason: 'changed my mind' });
    expect(await stock()).toBe(before);
    const checkoutUuid = Buffer.from(order.checkoutId, 'base64url').toString().split(':')[1];
    const [payment] = await t.app.dataSource.query('SELECT provider_ref AS ref, status, refunded_amount AS refunded FROM payment WHERE checkout_id = $1', [checkoutUuid]);
    expect(payment).toMatchObject({ status: 'refunded', refunded: 7500 + 499 });
    expect((await testPaymentBook(t.app.dataSource, payment.ref))!.refunded).toBe(7500 + 499);
    const notes = await t.app.dataSource.query(`SELECT kind, gross FROM invoice WHERE customer_id = $1 ORDER BY kind`, [buyer!.id]);
    expect(notes).toEqual([{ kind: 'credit_note', gross: -(7500 + 499) }, { kind: 'invoice', gross: 7500 + 499 }]);
    const view = await t.data(ORDER, { id: order.id }, buyer!.token);
    expect(view.order.invoice.number).toMatch(/-\d{4}-\d{6}$/);
    expect(view.order.creditNotes).toEqual([{ number: expect.stringMatching(/-R-\d{4}-\d{6}$/) }]);
    const again = await t.data(CANCEL, { input: { id: order.id } }, buyer!.token);
    expect(again.orderCancel.userErrors[0].code).toBe('INVALID_STATE');
  });

  it('lists orders for their customer and for their seller only, with filters', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const first = await buy(buyer!);
    const second = await buy(buyer!);
    await t.data(FULFILL, { input: { id: second.id, carrier: 'DHL', trackingNumber: 'D1' } }, seller.key);
    const mine = await t.data('{ viewer { orders(first: 10) { nodes { id state } } } }', {}, buyer!.token);
    expect(mine.viewer.orders.nodes.map((o: any) => o.id)).toEqual([second.id, first.id]);
    const shipped = await t.data('query { sellerOrders(first: 100, state: FULFILLED) { nodes { id } } }', {}, seller.key);
    expect(shipped.sellerOrders.nodes.map((o: any) => o.id)).toContain(second.id);
    expect(shipped.sellerOrders.nodes.map((o: any) => o.id)).not.toContain(first.id);
    const theirs = await t.data('query { sellerOrders(first: 100) { nodes { id } } }', {}, other.key);
    expect(theirs.sellerOrders.nodes).toEqual([]);
    const forCustomer = await t.request('query { sellerOrders(first: 10) { nodes { id } } }', {}, buyer!.token);
    expect(forCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("shows the seller the buyer's email only with the share-profile consent", async () => {
    const [buyer] = await insertCustomers(t, 1);
    const order = await buy(buyer!);
    expect((await t.data(ORDER, { id: order.id }, seller.key)).order.customer.email).toBeNull();
    expect((await t.data(ORDER, { id: order.id }, buyer!.token)).order.customer.email).toContain('@example.com');
    await t.data(
      'mutation { customerConsentsUpdate(input: { source: "test", consents: [{ kind: SHARE_PROFILE_WITH_SELLERS, granted: true }] }) { userErrors { code } } }',
      {},
      buyer!.token,
    );
    expect((await t.data(ORDER, { id: order.id }, seller.key)).order.customer.email).toContain('@example.com');
  });

  it('delivers order.placed and order.cancelled to hooks after commit', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const order = await buy(buyer!);
    await t.data(CANCEL, { input: { id: order.id } }, buyer!.token);
    const orderUuid = Buffer.from(order.id, 'base64url').toString().split(':')[1];
    for (let i = 0; i < 100 && events.filter((e) => (e.payload as any).orderId === orderUuid).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const mine = events.filter((e) => (e.payload as any).orderId === orderUuid);
    expect(mine.map((e) => e.type).sort()).toEqual(['order.cancelled', 'order.placed']);
    // The dispatcher marks a round's rows dispatched once every handler of the round has run: soon after.
    const pending = async () =>
      (await t.app.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL AND payload->>'orderId' = $1`, [orderUuid]))[0].n;
    await until(async () => (await pending()) === 0, 'the outbox rows marked dispatched');
    expect(await pending()).toBe(0);
  });
});
