import { insertCustomers } from '../helpers/customers';
import { createListing, createProduct, createSeller } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { buy } from '../modules/reviews/review-fixtures';

// The modules' batch hooks of `order.paid` (sales count, co-purchase baskets, personalization's touchpoints),
// handed several checkouts' orders in one dispatch round, count what they count one checkout at a time.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ eventPollIntervalMs: 50 });
});
afterAll(() => t.stop());

/** Everything the hooks of `order.paid` derive from the orders. */
async function derived() {
  return {
    sales: await t.sql('SELECT product_id, sales_count, trending_score FROM product_popularity ORDER BY product_id'),
    baskets: await t.sql('SELECT checkout_id, product_id FROM basket_item ORDER BY 1, 2'),
    basketCounts: await t.sql('SELECT product_id, baskets FROM product_basket_count ORDER BY 1'),
    pairs: await t.sql('SELECT a, b, count FROM product_pair ORDER BY a, b'),
    alsoBought: await t.sql('SELECT product_id, rank, other_id, co_count FROM also_bought ORDER BY 1, 2'),
    touchpoints: await t.sql(`SELECT product_id, type, sum(count)::int AS n FROM product_daily_touchpoints WHERE type = 'ORDER_PAID' GROUP BY 1, 2 ORDER BY 1, 2`),
  };
}

async function redeliverPaid(): Promise<void> {
  await t.sql(`UPDATE outbox SET dispatched_at = NULL WHERE type = 'order.paid'`);
  t.app.services.events.kick();
  await t.app.services.events.drain();
  expect(await t.sql(`SELECT count(*)::int AS n FROM outbox WHERE type = 'order.paid' AND (dispatched_at IS NULL OR attempts > 0)`)).toEqual([{ n: 0 }]);
}

it('counts several checkouts’ orders delivered in one batch as it counts them one checkout at a time, and a batch delivered again once', async () => {
  const sellers = [await createSeller(t), await createSeller(t)];
  const listings: string[] = [];
  for (let i = 0; i < 3; i++) {
    const seller = sellers[i % 2]!;
    const product = await createProduct(t, seller.key, { title: `Batch product ${i}` });
    listings.push(await createListing(t, seller.key, product.variantIds[0]!, { stock: 100 }));
  }
  const buyers = await insertCustomers(t, 3);
  const baskets = [[0, 1], [0, 1, 2], [1, 2]];
  for (const [i, basket] of baskets.entries()) {
    await buy(t, buyers[i]!, basket.map((n) => listings[n]!));
    // Each checkout's events delivered before the next checkout: one checkout per round.
    await t.app.services.events.drain();
  }
  const oneByOne = await derived();
  expect(oneByOne.baskets).toHaveLength(7);
  expect(oneByOne.sales.map((r: { sales_count: number }) => r.sales_count)).toHaveLength(3);

  // Forget what the hooks derived, then deliver every checkout's order.paid again: one round, one batch per hook.
  await t.sql('DELETE FROM also_bought; DELETE FROM product_pair; DELETE FROM product_basket_count; DELETE FROM basket_item; DELETE FROM basket_counted_order');
  await t.sql('DELETE FROM popularity_counted_sale; DELETE FROM popularity_counted_order; DELETE FROM product_popularity');
  await t.sql(`DELETE FROM product_daily_touchpoints WHERE type = 'ORDER_PAID'; DELETE FROM touchpoint_seen`);
  await redeliverPaid();
  const batched = await derived();
  expect({ ...batched, sales: null }).toEqual({ ...oneByOne, sales: null });
  expect(batched.sales.map((r: any) => [r.product_id, r.sales_count])).toEqual(oneByOne.sales.map((r: any) => [r.product_id, r.sales_count]));
  for (const [i, r] of batched.sales.entries()) expect(r.trending_score).toBeCloseTo(oneByOne.sales[i].trending_score, 9);

  // At least once: the same batch again changes nothing.
  await redeliverPaid();
  const again = await derived();
  expect({ ...again, sales: null }).toEqual({ ...batched, sales: null });
  expect(again.sales).toEqual(batched.sales);
});
