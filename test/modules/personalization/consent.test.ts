import { randomUUID } from 'node:crypto';
import { idOf } from '../../../src/core/global-id';
import { recordTouchpoints } from '../../../src/modules/personalization/touchpoint-ingest';
import { insertCustomers } from '../../helpers/customers';
import { createCategory, createListing, createProduct, createSeller } from '../../helpers/fixtures';
import { inTransaction } from '../../helpers/in-transaction';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { countRows, event, setConsent, track, VIEWER_TRAITS } from './personalization-fixtures';

let t: TestApp;
let productId: string;
let productUuid: string;
let listingId: string;
beforeAll(async () => {
  t = await startTestApp();
  const seller = await createSeller(t);
  const product = await createProduct(t, seller.key, { categoryId: await createCategory(t) });
  productId = product.id;
  productUuid = idOf(productId, 'Product')!;
  listingId = await createListing(t, seller.key, product.variantIds[0]!);
});
afterAll(() => t.stop());

const INDIVIDUAL_TABLES = [
  'touchpoint_event',
  'customer_trait',
  'customer_category_day',
  'customer_seller_day',
  'customer_channel_day',
  'customer_order_fact',
  'customer_category_affinity',
  'customer_seller_affinity',
];

async function individualRows(customerId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of INDIVIDUAL_TABLES) counts[table] = await countRows(t, `SELECT 1 FROM ${table} WHERE customer_id = $1`, [customerId]);
  return counts;
}

const none = Object.fromEntries(INDIVIDUAL_TABLES.map((table) => [table, 0]));

const productViews = async () => {
  const [row] = await t.app.dataSource.query(
    `SELECT coalesce(sum(count), 0)::int AS n FROM product_daily_touchpoints WHERE product_id = $1 AND type = 'PRODUCT_VIEWED'`,
    [productUuid],
  );
  return row.n as number;
};

describe('personalization consent', () => {
  it('without it keeps only anonymous per-product counts: no events, no traits, and resends still count once', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const before = await productViews();
    const batch = [event('PRODUCT_VIEWED', { productId, id: 'a' }), event('PRODUCT_VIEWED', { listingId, id: 'b' }), event('PRODUCT_VIEWED', { productId })];
    expect(await track(t, batch, buyer!.token)).toEqual({ accepted: 3, duplicates: 0, userErrors: [] });
    expect(await track(t, batch.slice(0, 2), buyer!.token)).toEqual({ accepted: 0, duplicates: 2, userErrors: [] });
    expect(await productViews()).toBe(before + 3);
    expect(await individualRows(buyer!.id)).toEqual(none);
    expect((await t.data(VIEWER_TRAITS, {}, buyer!.token)).viewer.traits).toBeNull();
    // Nothing in the dedupe memory names the customer.
    const seen: { digest: Buffer }[] = await t.app.dataSource.query('SELECT digest FROM touchpoint_seen');
    expect(seen.some((s) => s.digest.toString('hex').includes(buyer!.id.replace(/-/g, '')))).toBe(false);
  });

  it('with it keeps events and traits; withdrawing it deletes them and the counts stay', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await setConsent(t, buyer!.token, true);
    const before = await productViews();
    expect((await track(t, [event('PRODUCT_VIEWED', { productId }), event('LISTING_ADDED_TO_CART', { listingId })], buyer!.token)).accepted).toBe(2);
    const rows = await individualRows(buyer!.id);
    expect(rows['touchpoint_event']).toBe(2);
    expect(rows['customer_trait']).toBe(1);
    expect(rows['customer_category_affinity']).toBe(1);
    const traits = (await t.data(VIEWER_TRAITS, {}, buyer!.token)).viewer.traits;
    expect(traits.categoryAffinities).toEqual([{ category: { id: expect.any(String) }, score: 1, explanation: expect.stringContaining('100%') }]);

    await setConsent(t, buyer!.token, false);
    expect(await individualRows(buyer!.id)).toEqual(none);
    expect((await t.data(VIEWER_TRAITS, {}, buyer!.token)).viewer.traits).toBeNull();
    expect(await productViews()).toBe(before + 1);
    // From now on, anonymous counts only.
    expect((await track(t, [event('PRODUCT_VIEWED', { productId })], buyer!.token)).accepted).toBe(1);
    expect(await individualRows(buyer!.id)).toEqual(none);
    expect(await productViews()).toBe(before + 2);
  });

  it('withdrawing waits for a batch being stored and then deletes it too', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await setConsent(t, buyer!.token, true);
    const batches = Array.from({ length: 5 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => event('PRODUCT_VIEWED', { productId, id: `w-${b}-${i}` })),
    );
    await Promise.all([...batches.map((batch) => track(t, batch, buyer!.token)), setConsent(t, buyer!.token, false)]);
    const rows = await individualRows(buyer!.id);
    // Whatever was stored before the withdrawal went with it; after it, nothing individual is kept.
    expect(rows).toEqual(none);
  });

  it('export includes events, traits and order facts; erase removes them', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await setConsent(t, buyer!.token, true);
    await track(t, [event('PRODUCT_VIEWED', { productId, id: 'export-me' }), event('SEARCH_PERFORMED', { searchText: 'boots' })], buyer!.token);
    const orderId = randomUUID();
    await inTransaction(t, (ctx) =>
      recordTouchpoints(ctx, { customerId: buyer!.id }, [
        {
          clientEventId: `order.paid:${orderId}:1`,
          type: 'ORDER_PAID',
          channel: 'SERVER',
          source: 'server',
          occurredAt: new Date(),
          productId: productUuid,
          listingId: null,
          sellerId: null,
          categoryId: null,
          searchText: null,
          orderId,
          amount: 1200,
          discount: 200,
        },
      ]),
    );
    const exported = (await t.data('mutation { customerDataExport { data userErrors { code } } }', {}, buyer!.token)).customerDataExport.data;
    const part = exported.personalization;
    expect(part.events.map((e: { type: string }) => e.type).sort()).toEqual(['ORDER_PAID', 'PRODUCT_VIEWED', 'SEARCH_PERFORMED']);
    expect(part.events.find((e: { searchText: string | null }) => e.searchText)?.searchText).toBe('boots');
    expect(part.traits.customerId).toBe(buyer!.id);
    expect(part.categoryAffinities).toHaveLength(1);
    expect(part.orderFacts).toEqual([expect.objectContaining({ orderId, total: 1200, discount: 200, cancelled: false, boughtOnPriceDrop: false })]);

    const [{ email }] = await t.app.dataSource.query('SELECT email FROM customer WHERE id = $1', [buyer!.id]);
    const erased = await t.data(
      'mutation ($input: CustomerEraseInput!) { customerErase(input: $input) { erased userErrors { field code } } }',
      { input: { confirmEmail: email } },
      buyer!.token,
    );
    expect(erased.customerErase).toEqual({ erased: true, userErrors: [] });
    expect(await individualRows(buyer!.id)).toEqual(none);
  });
});
