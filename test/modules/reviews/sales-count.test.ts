import { randomUUID } from 'node:crypto';
import { SalesCountOwner1764275000000 } from '../../../migrations/1764275000000-sales-count-owner';
import { SearchSyncWrites1764287000000 } from '../../../migrations/1764287000000-search-sync-writes';
import { reconcileOrdersSales } from '../../../src/modules/reviews/sales-count';
import { logAddSql, logSubtractSql } from '../../../src/modules/reviews/trending';
import { unitsSoldAtLeast } from '../../../src/modules/reviews/units-sold';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { buy as buyAndShip, openComplaint, REPLACE, RETURN_RECEIVE, RETURN_START, type Shop } from '../complaints/complaint-fixtures';

let t: TestApp;
let seller: TestSeller;
let buyer: TestCustomer;

beforeAll(async () => {
  t = await startTestApp({ eventPollIntervalMs: 50 });
  seller = await createSeller(t);
  [buyer] = (await insertCustomers(t, 1)) as [TestCustomer];
});
afterAll(() => t.stop());

/** A product titled for the searches below, with one listing of the test's seller. */
async function shop(word: string, by = seller): Promise<Shop & { productId: string }> {
  const product = await createProduct(t, by.key, { title: `Zafiro ${word}`, language: 'ES' });
  const listingId = await createListing(t, by.key, product.variantIds[0]!, { stock: 100 });
  return { seller: by, listingId, productId: product.id };
}

/** A paid order (buyNow): its global id. */
async function buy(s: Shop, quantity: number): Promise<string> {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code } } }',
    { input: { listingId: s.listingId, quantity, idempotencyKey: randomUUID() } },
    buyer.token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
  return res.buyNow.checkout.orders[0].id;
}

async function cancel(orderId: string): Promise<void> {
  const res = await t.data('mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { userErrors { code } } }', { input: { id: orderId } }, buyer.token);
  expect(res.orderCancel.userErrors).toEqual([]);
}

/** Units sold as both owners' readers see them: product_popularity (reviews) and search_product (its copy). */
async function sold(productId: string): Promise<{ popularity: number | null; search: number }> {
  await t.app.services.events.drain();
  const [row] = await t.sql(
    `SELECT pp.sales_count AS popularity, sp.sales_count AS search FROM search_product sp
       LEFT JOIN product_popularity pp ON pp.product_id = sp.product_id WHERE sp.product_id = $1`,
    [uuidOf(productId)],
  );
  return row;
}

const trending = async (productId: string): Promise<number> =>
  (await t.sql('SELECT trending_score FROM product_popularity WHERE product_id = $1', [uuidOf(productId)]))[0].trending_score;

/** Delivers every event of these types again, through the dispatcher (delivery is at least once). */
async function redeliver(types: string[]): Promise<void> {
  await t.sql('UPDATE outbox SET dispatched_at = NULL WHERE type = ANY($1)', [types]);
  t.app.services.events.kick();
  await t.app.services.events.drain();
  expect(await t.sql('SELECT count(*)::int AS n FROM outbox WHERE type = ANY($1) AND dispatched_at IS NULL', [types])).toEqual([{ n: 0 }]);
}

describe('units sold: one owner, one number', () => {
  it('counts paid units, takes a cancelled order back whole (TRENDING too), and counts a redelivered event once', async () => {
    const s = await shop('lámpara');
    const kept = await buy(s, 2);
    expect(await sold(s.productId)).toEqual({ popularity: 2, search: 2 });
    const withKept = await trending(s.productId);

    const cancelled = await buy(s, 3);
    expect(await sold(s.productId)).toEqual({ popularity: 5, search: 5 });
    await cancel(cancelled);
    expect(await sold(s.productId)).toEqual({ popularity: 2, search: 2 });
    expect(await trending(s.productId)).toBeCloseTo(withKept, 9);

    await redeliver(['order.paid', 'order.cancelled']);
    expect(await sold(s.productId)).toEqual({ popularity: 2, search: 2 });
    expect(await trending(s.productId)).toBeCloseTo(withKept, 9);
    const [counted] = await t.sql('SELECT units FROM popularity_counted_sale WHERE order_id = $1', [uuidOf(kept)]);
    expect(counted).toEqual({ units: 2 });
  });

  it('shows units sold in steps on Product.unitsSoldAtLeast, to anyone, cancellations taken off', async () => {
    const s = await shop('candelabro');
    const shown = async () => {
      await t.app.services.events.drain();
      return (await t.data('query ($id: ID!) { product(id: $id) { unitsSoldAtLeast } }', { id: s.productId })).product.unitsSoldAtLeast;
    };
    expect(await shown()).toBe(0);
    await buy(s, 4);
    expect(await shown()).toBe(1);
    const cancelled = await buy(s, 30);
    expect(await shown()).toBe(25);
    await cancel(cancelled);
    expect(await shown()).toBe(1);
    await buy(s, 6);
    expect(await shown()).toBe(10);
  });

  it('adds and takes back TRENDING terms ~10 years apart (PostgreSQL\'s power() underflows below 2^-1074)', async () => {
    const [row] = await t.sql(`SELECT ${logAddSql('0::float8', '-1100::float8')} AS added, ${logSubtractSql('0::float8', '-1100::float8')} AS taken`);
    expect(row).toEqual({ added: 0, taken: 0 });
  });

  it('reconciles an order once under concurrent deliveries, whatever their order', async () => {
    const s = await shop('espejo');
    const order = await buy(s, 4);
    await t.app.services.events.drain();
    await Promise.all(Array.from({ length: 6 }, () => reconcileOrdersSales(t.app.services, [uuidOf(order)])));
    expect(await sold(s.productId)).toEqual({ popularity: 4, search: 4 });
    await cancel(order);
    await Promise.all(Array.from({ length: 6 }, () => reconcileOrdersSales(t.app.services, [uuidOf(order)])));
    expect(await sold(s.productId)).toEqual({ popularity: 0, search: 0 });
    expect(await trending(s.productId)).toBe(-Infinity);
  });

  it('takes back returned units, and never counts a replacement sent for a complaint', async () => {
    const returned = await shop('reloj');
    const order = await buyAndShip(t, returned, buyer, { quantity: 3 });
    const complaint = await openComplaint(t, buyer, order, { desiredResolution: 'RETURN_AND_REFUND', lines: [{ orderLineId: order.lineIds[0], quantity: 2 }] });
    expect((await t.data(RETURN_START, { input: { complaintId: complaint.id, instructions: 'Label attached' } }, seller.key)).complaintReturnStart.userErrors).toEqual([]);
    expect((await t.data(RETURN_RECEIVE, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, seller.key)).complaintReturnReceive.userErrors).toEqual([]);
    expect(await sold(returned.productId)).toEqual({ popularity: 1, search: 1 });
    await redeliver(['order.paid', 'return.received']);
    expect(await sold(returned.productId)).toEqual({ popularity: 1, search: 1 });

    const replaced = await shop('cuadro');
    const original = await buyAndShip(t, replaced, buyer, { quantity: 1 });
    const wrong = await openComplaint(t, buyer, original, { reason: 'WRONG_ITEM', desiredResolution: 'REPLACEMENT' });
    const res = await t.data(REPLACE, { input: { complaintId: wrong.id } }, seller.key);
    expect(res.complaintReplace.userErrors).toEqual([]);
    expect(await sold(replaced.productId)).toEqual({ popularity: 1, search: 1 });
  });

  it('ranks alike on both surfaces: search BEST_SELLING and RELEVANCE, catalog TRENDING', async () => {
    const own = await createSeller(t);
    const [a, b, c] = [await shop('alfombra uno', own), await shop('alfombra dos', own), await shop('alfombra tres', own)];
    await buy(a, 3);
    await buy(b, 2);
    const bought = await buy(c, 9);
    // Counted before it is cancelled, as the line below expects (a TRENDING of -Infinity is a row taken back to
    // nothing): an order paid and cancelled before the dispatcher's next round is reconciled once, to no change,
    // and gets no row at all. That race was left to timing; a faster buyNow (one capture statement) lost it.
    await t.app.services.events.drain();
    await cancel(bought);
    await t.app.services.events.drain();
    const byUnits = [a, b, c].map((p) => p.productId);
    const search = async (sort: string) =>
      (await t.data(`{ search(query: "alfombra", sort: ${sort}) { nodes { id } } }`)).search.nodes.map((n: { id: string }) => n.id);
    expect(await search('BEST_SELLING')).toEqual(byUnits);
    expect(await search('RELEVANCE')).toEqual(byUnits);
    const catalog = await t.data('query ($seller: ID!) { products(filter: { seller: $seller }, sort: TRENDING) { nodes { id } } }', { seller: own.id });
    expect(catalog.products.nodes.map((n: { id: string }) => n.id)).toEqual(byUnits);
    expect(await trending(c.productId)).toBe(-Infinity);
  });
});

describe('unitsSoldAtLeast: the steps', () => {
  it('rounds down to 1, 5, then 1, 2.5 and 5 times a power of ten', () => {
    const cases: [number, number][] = [[0, 0], [1, 1], [4, 1], [5, 5], [9, 5], [10, 10], [24, 10], [25, 25], [49, 25], [50, 50], [99, 50], [100, 100],
      [249, 100], [250, 250], [999, 500], [1000, 1000], [2499, 1000], [2500, 2500], [7300, 5000], [12_000_000, 10_000_000], [2_147_483_647, 1_000_000_000]];
    expect(cases.map(([units]) => [units, unitsSoldAtLeast(units)])).toEqual(cases);
  });
});

describe('the backfill (migration 1764275000000)', () => {
  it('rebuilds the counts and TRENDING from the orders where each paid order had been counted whole', async () => {
    const s = await shop('jarrón');
    await buy(s, 2);
    await cancel(await buy(s, 5));
    expect(await sold(s.productId)).toEqual({ popularity: 2, search: 2 });
    const before = await t.sql('SELECT product_id, sales_count, trending_score FROM product_popularity ORDER BY product_id');
    const searchBefore = await t.sql('SELECT product_id, sales_count FROM search_product ORDER BY product_id');

    const q = t.app.dataSource.createQueryRunner();
    try {
      const migration = new SalesCountOwner1764275000000();
      // The later migration that replaced this one's trigger is taken down first and put back after.
      const later = new SearchSyncWrites1764287000000();
      await later.down(q);
      await migration.down(q);
      // What the old hook left: every paid order counted whole at its payment time, never taken back; search
      // with its own recount.
      await q.query(`
        WITH old AS (SELECT ol.product_id, ol.quantity, o.paid_at FROM popularity_counted_order pco JOIN orders o ON o.id = pco.order_id
                       JOIN order_line ol ON ol.order_id = o.id WHERE o.paid_at IS NOT NULL)
        UPDATE product_popularity pp SET sales_count = x.units,
          trending_score = ln(x.s) / ln(2)
          FROM (SELECT product_id, sum(quantity) AS units,
                       sum(5 * quantity * power(2::float8, extract(epoch FROM paid_at - timestamptz '2026-01-01Z') / 259200)) AS s
                  FROM old GROUP BY product_id) x
         WHERE x.product_id = pp.product_id`);
      await q.query('UPDATE search_product SET sales_count = sales_count + 7');
      await q.startTransaction();
      await migration.up(q);
      await later.up(q);
      await q.commitTransaction();
    } finally {
      await q.release();
    }
    const after = await t.sql('SELECT product_id, sales_count, trending_score FROM product_popularity ORDER BY product_id');
    expect(after.map((r) => [r.product_id, r.sales_count])).toEqual(before.map((r) => [r.product_id, r.sales_count]));
    for (const [i, r] of after.entries()) expect(r.trending_score).toBeCloseTo(before[i].trending_score, 6);
    expect(await t.sql('SELECT product_id, sales_count FROM search_product ORDER BY product_id')).toEqual(searchBefore);
    expect(await sold(s.productId)).toEqual({ popularity: 2, search: 2 });
  });
});
