import { randomUUID } from 'node:crypto';
import type { RecordedTouchpoint } from '../../../src/events/event-types';
import { countViews } from '../../../src/modules/reviews/popularity';
import { createListing, createProduct, createSeller, uuidOf } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// countViews writes a batch's views in one statement (a product's views summed, their TRENDING terms
// log-summed): the counts and scores must equal one view at a time's.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const view = (productId: string, occurredAt: string, type = 'PRODUCT_VIEWED'): RecordedTouchpoint =>
  ({ id: randomUUID(), type, channel: 'WEB', occurredAt, productId, listingId: null, sellerId: null }) as RecordedTouchpoint;

async function popularity(productId: string): Promise<{ view_count: number; trending_score: number; search: number } | undefined> {
  const [row] = await t.sql(
    `SELECT pp.view_count, pp.trending_score, sp.sales_count AS search FROM product_popularity pp
       JOIN search_product sp ON sp.product_id = pp.product_id WHERE pp.product_id = $1`,
    [productId],
  );
  return row;
}

/** log2 of Σ 1 × 2^((t − epoch) / 72 h), the TRENDING terms of views at these times (reviews/trending.ts). */
const expectedScore = (times: string[]) =>
  Math.log2(times.reduce((sum, at) => sum + 2 ** ((Date.parse(at) - Date.parse('2026-01-01T00:00:00Z')) / (72 * 3_600_000)), 0));

describe('countViews', () => {
  it('counts a batch of views per product, each touchpoint once, with the TRENDING of one at a time', async () => {
    const seller = await createSeller(t);
    const products = await Promise.all([0, 1].map(() => createProduct(t, seller.key)));
    for (const p of products) await createListing(t, seller.key, p.variantIds[0]!);
    const [a, b] = products.map((p) => uuidOf(p.id)) as [string, string];
    const times = ['2026-11-20T10:00:00Z', '2026-11-25T18:30:00Z', '2026-11-29T08:15:00Z'];
    const batch = [view(a, times[0]!), view(b, times[1]!), view(a, times[2]!), view(a, times[1]!, 'PRODUCT_SEARCHED')];

    await countViews(t.app.services, { customerId: randomUUID(), events: batch });
    const [ra, rb] = [await popularity(a), await popularity(b)];
    expect(ra?.view_count).toBe(2);
    expect(ra?.trending_score).toBeCloseTo(expectedScore([times[0]!, times[2]!]), 9);
    expect(rb?.view_count).toBe(1);
    expect(rb?.trending_score).toBeCloseTo(expectedScore([times[1]!]), 9);
    // Search's copy of units sold is untouched by views.
    expect(ra?.search).toBe(0);

    // Delivered again (at least once): nothing counts twice; a later batch adds to the row.
    await countViews(t.app.services, { customerId: randomUUID(), events: batch });
    expect((await popularity(a))?.view_count).toBe(2);
    const later = '2026-11-30T12:00:00Z';
    await countViews(t.app.services, { customerId: randomUUID(), events: [view(a, later)] });
    const again = await popularity(a);
    expect(again?.view_count).toBe(3);
    expect(again?.trending_score).toBeCloseTo(expectedScore([times[0]!, times[2]!, later]), 9);
  });

  it('writes nothing for a batch without product views', async () => {
    const seller = await createSeller(t);
    const p = await createProduct(t, seller.key);
    await countViews(t.app.services, { customerId: randomUUID(), events: [view(uuidOf(p.id), '2026-11-30T12:00:00Z', 'PRODUCT_SEARCHED')] });
    expect(await popularity(uuidOf(p.id))).toBeUndefined();
  });
});
