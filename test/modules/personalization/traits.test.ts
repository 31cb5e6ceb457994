import { randomUUID } from 'node:crypto';
import { toGlobalId } from '../../../src/core/global-id';
import { recomputeTraits } from '../../../src/modules/personalization';
import { recordTouchpoints, type NewTouchpoint } from '../../../src/modules/personalization/touchpoint-ingest';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { inTransaction } from '../../helpers/in-transaction';
import { until } from '../../helpers/until';
import { event, NODE_TRAITS, setConsent, track, VIEWER_TRAITS } from './personalization-fixtures';

const DAY = 86_400_000;

let t: TestApp;
let seller: TestSeller;
let categories: string[];
let products: { id: string; uuid: string; categoryUuid: string; listingId: string }[];
beforeAll(async () => {
  t = await startTestApp({ eventPollIntervalMs: 50 });
  seller = await createSeller(t);
  categories = [await createCategory(t), await createCategory(t), await createCategory(t)];
  products = [];
  for (const categoryId of categories) {
    const product = await createProduct(t, seller.key, { categoryId });
    const listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 2500, currency: 'EUR' }, stock: 100 });
    const [row] = await t.app.dataSource.query(`SELECT id, category_id FROM product WHERE slug = $1`, [product.slug]);
    products.push({ id: product.id, uuid: row.id, categoryUuid: row.category_id, listingId });
  }
});
afterAll(() => t.stop());

async function consenting(count: number): Promise<TestCustomer[]> {
  const customers = await insertCustomers(t, count);
  await t.app.dataSource.query(
    `INSERT INTO customer_consent (customer_id, kind, granted, source) SELECT id, 'personalization', true, 'test' FROM unnest($1::uuid[]) id`,
    [customers.map((c) => c.id)],
  );
  return customers;
}

/** Paid orders in the past, recorded the way the order.paid hook records them (one touchpoint per line). */
type OrderedProduct = { uuid: string; categoryUuid: string };
async function pastOrders(customerId: string, orders: { daysAgo: number; amount: number; discount?: number; product?: OrderedProduct }[]): Promise<void> {
  const touchpoints: NewTouchpoint[] = orders.map((o) => {
    const p = o.product ?? products[0]!;
    return {
      clientEventId: `seed:${randomUUID()}`,
      type: 'ORDER_PAID',
      channel: 'SERVER',
      source: 'server',
      occurredAt: new Date(Date.now() - o.daysAgo * DAY),
      productId: p.uuid,
      listingId: null,
      sellerId: null,
      categoryId: p.categoryUuid,
      searchText: null,
      orderId: randomUUID(),
      amount: o.amount,
      discount: o.discount ?? 0,
    };
  });
  // A few batches, in no particular order: the incremental update must not care.
  for (const batch of [touchpoints.filter((_, i) => i % 2 === 1), touchpoints.filter((_, i) => i % 2 === 0)]) {
    await inTransaction(t, (ctx) => recordTouchpoints(ctx, { customerId }, batch));
  }
}

/**
 * A new product whose listing the seller marks down through the API, the drop then moved `daysAgo` into
 * the past (the catalog stamps drops with the time they happen; tests need older ones).
 */
async function markedDownProduct(daysAgo = 0): Promise<OrderedProduct> {
  const product = await createProduct(t, seller.key, { categoryId: categories[0] });
  const listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 2500, currency: 'EUR' }, stock: 100 });
  const update = await t.data(
    'mutation ($input: ListingUpdateInput!) { listingUpdate(input: $input) { userErrors { field code } } }',
    { input: { id: listingId, price: { amount: 1900, currency: 'EUR' } } },
    seller.key,
  );
  expect(update.listingUpdate.userErrors).toEqual([]);
  const [row] = await t.app.dataSource.query(
    `WITH moved AS (UPDATE listing_price_drop d SET dropped_at = dropped_at - $2 * interval '1 day' FROM product p
                     WHERE p.slug = $1 AND d.product_id = p.id RETURNING p.id, p.category_id)
     SELECT * FROM moved`,
    [product.slug, daysAgo],
  );
  return { uuid: row.id, categoryUuid: row.category_id };
}

const every = (n: number, gapDays: number, lastDaysAgo: number, amount = 5000) =>
  Array.from({ length: n }, (_, i) => ({ daysAgo: lastDaysAgo + i * gapDays, amount }));

async function traitsOf(customer: TestCustomer) {
  return (await t.data(VIEWER_TRAITS, {}, customer.token)).viewer.traits;
}

describe('traits', () => {
  it('rank seeded customers as generated: churn risk by inactivity, and by frequency at equal inactivity', async () => {
    const byInactivity = await consenting(5);
    const silences = [3, 30, 60, 120, 240];
    for (const [i, c] of byInactivity.entries()) await pastOrders(c.id, every(4, 20, silences[i]!));
    const churn = await Promise.all(byInactivity.map(async (c) => (await traitsOf(c)).churnRisk.value as number));
    expect([...churn].sort((a, b) => a - b)).toEqual(churn);
    expect(new Set(churn).size).toBe(5);
    expect(churn[0]).toBeLessThan(0.2);
    expect(churn[4]).toBeGreaterThan(0.6);

    // Silent for 45 days: alarming for a weekly buyer, ordinary for someone who buys twice a year.
    const byFrequency = await consenting(4);
    const counts = [1, 2, 6, 24];
    for (const [i, c] of byFrequency.entries()) await pastOrders(c.id, every(counts[i]!, Math.floor(300 / counts[i]!), 45));
    const churnF = await Promise.all(byFrequency.map(async (c) => (await traitsOf(c)).churnRisk.value as number));
    expect([...churnF].sort((a, b) => a - b)).toEqual(churnF);
    expect(new Set(churnF).size).toBe(4);
  });

  it('rank predicted value by spend, price sensitivity by the share of discounted purchases, affinity by interest', async () => {
    const spenders = await consenting(3);
    for (const [i, c] of spenders.entries()) await pastOrders(c.id, every(4, 15, 10, [2000, 8000, 30000][i]));
    const predicted = await Promise.all(spenders.map(async (c) => (await traitsOf(c)).predictedValue12Months.value.amount as number));
    expect([...predicted].sort((a, b) => a - b)).toEqual(predicted);
    expect(new Set(predicted).size).toBe(3);

    const hunters = await consenting(3);
    for (const [i, c] of hunters.entries()) {
      await pastOrders(
        c.id,
        Array.from({ length: 6 }, (_, k) => ({ daysAgo: 5 + k * 10, amount: 4000, discount: k < i * 3 ? 500 : 0 })),
      );
    }
    const sensitivity = await Promise.all(hunters.map(async (c) => (await traitsOf(c)).priceSensitivity));
    expect(sensitivity.map((s) => s.value)).toEqual([1 / 8, 4 / 8, 7 / 8]);
    expect(sensitivity[1]!.explanation).toBe('3 of 6 orders in the last 365 days had a discount or followed a price drop (none after a price drop).');

    const [browser] = await consenting(1);
    const views = (p: number, n: number) => Array.from({ length: n }, () => event('PRODUCT_VIEWED', { productId: products[p]!.id }));
    await track(t, [...views(0, 2), ...views(1, 9), ...views(2, 5)], browser!.token);
    const traits = await traitsOf(browser!);
    expect(traits.categoryAffinities.map((a: { category: { id: string } }) => a.category.id)).toEqual([categories[1], categories[2], categories[0]]);
    expect(traits.categoryAffinities.map((a: { score: number }) => a.score)).toEqual([0.5625, 0.3125, 0.125]);
    // A product belongs to the shared catalog, not to a seller: only listings (and sellerId) say whose.
    expect(traits.sellerAffinities).toEqual([]);
    expect(traits.channelMix.shares).toEqual([{ channel: 'WEB', share: 1 }]);
    expect(traits.recencyDays).toEqual({ value: null, explanation: 'No paid order yet.' });
  });

  it('count a purchase soon after a price drop as price-driven, not one at full price or long after the drop', async () => {
    const [fullPrice, onDrop, late, withinWindow] = await consenting(4);
    const now = await markedDownProduct();
    // Bought the day before the drop: full price. Bought right after it: on the drop.
    await pastOrders(fullPrice!.id, [{ daysAgo: 1, amount: 2500, product: now }]);
    await pastOrders(onDrop!.id, [{ daysAgo: 0, amount: 1900, product: now }]);
    const old = await markedDownProduct(20);
    await pastOrders(late!.id, [{ daysAgo: 0, amount: 1900, product: old }]);
    await pastOrders(withinWindow!.id, [{ daysAgo: 10, amount: 1900, product: old }]);

    const [full, drop, tooLate, within] = await Promise.all([fullPrice, onDrop, late, withinWindow].map(async (c) => (await traitsOf(c!)).priceSensitivity));
    expect(drop!.value).toBeGreaterThan(full!.value);
    expect([full!.value, drop!.value, tooLate!.value, within!.value]).toEqual([0.3333, 0.6667, 0.3333, 0.6667]);
    expect(full!.explanation).toBe('0 of 1 orders in the last 365 days had a discount or followed a price drop (none after a price drop).');
    expect(drop!.explanation).toBe('1 of 1 orders in the last 365 days had a discount or followed a price drop (1 after a price drop).');

    // A discount and a drop on one order count it once.
    const [both] = await consenting(1);
    await pastOrders(both!.id, [{ daysAgo: 0, amount: 1400, discount: 500, product: now }, { daysAgo: 2, amount: 2500, product: now }]);
    expect((await traitsOf(both!)).priceSensitivity).toEqual({
      value: 0.5,
      explanation: '1 of 2 orders in the last 365 days had a discount or followed a price drop (1 after a price drop).',
    });
  });

  it('recomputed from scratch equal the incremental result exactly', async () => {
    const customers = await consenting(6);
    // Dropped 30 days ago: bought 35 days ago (before), 20 (on the drop) or 10 (too late).
    const dropped = await markedDownProduct(30);
    for (const [i, c] of customers.entries()) {
      const onDrop = [35, 20, 10].map((daysAgo) => ({ daysAgo, amount: 1900, product: dropped })).slice(0, i % 4);
      await pastOrders(c.id, [...every(i + 1, 17, 3 * i + 1, 1000 + 700 * i), { daysAgo: 400, amount: 999 }, ...onDrop]);
      for (let b = 0; b < 3; b++) {
        await track(
          t,
          Array.from({ length: 10 }, (_, k) => ({
            ...event(['PRODUCT_VIEWED', 'PRODUCT_LIKED', 'LISTING_ADDED_TO_CART'][k % 3]!, { listingId: products[(i + k + b) % 3]!.listingId }, (k + b) * 3_600_000),
            channel: ['WEB', 'MOBILE', 'STORE'][(k * b + i) % 3],
          })),
          c.token,
        );
      }
    }
    const snapshot = async () => ({
      traits: await t.app.dataSource.query('SELECT * FROM customer_trait ORDER BY customer_id'),
      categories: await t.app.dataSource.query('SELECT * FROM customer_category_affinity ORDER BY customer_id, category_id'),
      sellers: await t.app.dataSource.query('SELECT * FROM customer_seller_affinity ORDER BY customer_id, seller_id'),
      days: await t.app.dataSource.query('SELECT * FROM customer_category_day ORDER BY customer_id, category_id, day'),
      orders: await t.app.dataSource.query('SELECT * FROM customer_order_fact ORDER BY customer_id, order_id'),
    });
    const incremental = await snapshot();
    expect(incremental.traits.length).toBeGreaterThanOrEqual(6);
    const theirs = incremental.orders.filter((o: { customer_id: string }) => customers.some((c) => c.id === o.customer_id));
    expect(new Set(theirs.map((o: { bought_on_price_drop: boolean }) => o.bought_on_price_drop))).toEqual(new Set([true, false]));
    const recomputed = await recomputeTraits(t.app.services, { pageSize: 4 });
    expect(recomputed).toBe(incremental.traits.length);
    expect(await snapshot()).toEqual(incremental);

    // Evaluated at a later time, the same aggregates give a higher churn risk: time is an input, not state.
    await recomputeTraits(t.app.services, { at: new Date(Date.now() + 90 * DAY) });
    const later = await t.app.dataSource.query('SELECT customer_id, churn_risk FROM customer_trait WHERE customer_id = ANY($1)', [customers.map((c) => c.id)]);
    const before = new Map<string, number>(incremental.traits.map((r: { customer_id: string; churn_risk: number }) => [r.customer_id, r.churn_risk]));
    for (const row of later) expect(row.churn_risk).toBeGreaterThan(before.get(row.customer_id)!);
  });

  it('settle an order whose cancellation arrives before its payment as cancelled, as a recompute does', async () => {
    const [buyer] = await consenting(1);
    const [cancelledId, paidId] = [randomUUID(), randomUUID()];
    const server = { channel: 'SERVER', source: 'server', listingId: null, sellerId: null, searchText: null } as const;
    const paid = (orderId: string): NewTouchpoint => ({
      ...server,
      clientEventId: `order.paid:${orderId}:0`,
      type: 'ORDER_PAID',
      occurredAt: new Date(Date.now() - DAY),
      productId: products[0]!.uuid,
      categoryId: products[0]!.categoryUuid,
      orderId,
      amount: 2500,
      discount: 0,
    });
    // At least once and in any order: the cancellation's hook may run before the payment's.
    await inTransaction(t, (ctx) =>
      recordTouchpoints(ctx, { customerId: buyer!.id }, [
        { ...server, clientEventId: `order.cancelled:${cancelledId}`, type: 'ORDER_CANCELLED', occurredAt: new Date(), productId: null, categoryId: null, orderId: cancelledId },
      ]),
    );
    await inTransaction(t, (ctx) => recordTouchpoints(ctx, { customerId: buyer!.id }, [paid(cancelledId), paid(paidId)]));
    const facts = async () =>
      t.app.dataSource.query('SELECT order_id AS "orderId", cancelled, total::int AS total FROM customer_order_fact WHERE customer_id = $1 ORDER BY order_id', [buyer!.id]);
    const incremental = await facts();
    expect(incremental).toEqual(
      [
        { orderId: cancelledId, cancelled: true, total: 2500 },
        { orderId: paidId, cancelled: false, total: 2500 },
      ].sort((a, b) => (a.orderId < b.orderId ? -1 : 1)),
    );
    expect((await traitsOf(buyer!)).ordersLast365Days.value).toBe(1);
    await recomputeTraits(t.app.services);
    expect(await facts()).toEqual(incremental);
  });

  it('follow the server: a paid order counts, a cancelled one no longer does, a cart line adds interest', async () => {
    const [buyer] = await consenting(1);
    const buy = await t.data(
      'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code message } } }',
      { input: { listingId: products[2]!.listingId, quantity: 2, idempotencyKey: randomUUID() } },
      buyer!.token,
    );
    expect(buy.buyNow.userErrors).toEqual([]);
    await until(async () => (await traitsOf(buyer!))?.ordersLast365Days.value === 1, 'the order in the traits');
    const paid = await traitsOf(buyer!);
    expect(paid.monetaryLast365Days.value).toEqual({ amount: 5000, currency: 'EUR' });
    expect(paid.recencyDays.value).toBe(0);
    expect(paid.categoryAffinities[0].category.id).toBe(categories[2]);

    const cancel = await t.data(
      'mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { state } userErrors { code message } } }',
      { input: { id: buy.buyNow.checkout.orders[0].id, reason: 'test' } },
      seller.key,
    );
    expect(cancel.orderCancel.userErrors).toEqual([]);
    await until(async () => (await traitsOf(buyer!)).ordersLast365Days.value === 0, 'the cancellation in the traits');

    await t.data('mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } } }', {
      input: { lines: [{ listingId: products[0]!.listingId, quantity: 1 }] },
    }, buyer!.token);
    await until(
      async () => (await t.app.dataSource.query(`SELECT 1 FROM touchpoint_event WHERE customer_id = $1 AND type = 'CART_LINE_ADDED'`, [buyer!.id])).length === 1,
      'the cart line touchpoint',
    );
    // Redelivered events are duplicates: the outbox ids are the client ids.
    const [{ n }] = await t.app.dataSource.query(`SELECT count(*)::int AS n FROM touchpoint_event WHERE customer_id = $1 AND source = 'server'`, [buyer!.id]);
    expect(n).toBe(3);
  });

  it('are read by the customer and the operator only', async () => {
    const [owner, other] = await consenting(2);
    await track(t, [event('PRODUCT_VIEWED', { listingId: products[0]!.listingId })], owner!.token);
    const id = toGlobalId('Customer', owner!.id);
    const operator = await t.data(NODE_TRAITS, { id }, ADMIN_KEY);
    expect(operator.node.traits.categoryAffinities).toHaveLength(1);
    expect(operator.node.traits.sellerAffinities).toEqual([{ seller: { id: seller.id }, score: 1, explanation: expect.any(String) }]);
    const own = await t.data(NODE_TRAITS, { id }, owner!.token);
    expect(own.node.traits).toEqual({ ...operator.node.traits, evaluatedAt: expect.any(String) });
    // Others cannot even see the customer, let alone their traits.
    expect((await t.data(NODE_TRAITS, { id }, other!.token)).node).toBeNull();
    expect((await t.data(NODE_TRAITS, { id }, seller.key)).node).toBeNull();
    expect((await t.data(VIEWER_TRAITS, {}, seller.key)).viewer).toBeNull();
  });

  it('without consent are null, also for the operator', async () => {
    const [plain] = await insertCustomers(t, 1);
    await track(t, [event('PRODUCT_VIEWED', { productId: products[0]!.id })], plain!.token);
    expect((await t.data(NODE_TRAITS, { id: toGlobalId('Customer', plain!.id) }, ADMIN_KEY)).node.traits).toBeNull();
    await setConsent(t, plain!.token, true);
    expect((await t.data(NODE_TRAITS, { id: toGlobalId('Customer', plain!.id) }, ADMIN_KEY)).node.traits).toBeNull();
  });
});
