import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestProduct, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { PRIOR_MEAN, PRIOR_WEIGHT } from '../../../src/modules/reviews/seller-rating';
import { buy, deliver, review } from './review-fixtures';

let t: TestApp;
let sellers: TestSeller[];
let products: TestProduct[];
const reviewIds: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  sellers = [await createSeller(t), await createSeller(t)];
  products = [await createProduct(t, sellers[0]!.key), await createProduct(t, sellers[0]!.key), await createProduct(t, sellers[1]!.key)];
  const listings = await Promise.all(products.map((p, i) => createListing(t, sellers[i < 2 ? 0 : 1]!.key, p.variantIds[0]!, { stock: 100 })));
  const buyers = await insertCustomers(t, 7);
  // Deterministic spread of ratings: every star appears, per product and per seller.
  let n = 0;
  for (const buyer of buyers) {
    const orders = await buy(t, buyer as TestCustomer, listings);
    for (const order of orders) {
      await deliver(t, sellers.find((s) => s.id === order.sellerId)!, order.id);
      for (const lineId of order.lineIds) reviewIds.push((await review(t, buyer.token, lineId, ((n++ * 3) % 5) + 1)).id);
    }
  }
  // Moderation and edits move ratings in and out of the summaries.
  for (const id of reviewIds.slice(0, 3)) await t.data('mutation ($input: ReviewHideInput!) { reviewHide(input: $input) { userErrors { code } } }', { input: { id, reason: 'test' } }, ADMIN_KEY);
  await t.data('mutation ($input: ReviewIdInput!) { reviewRestore(input: $input) { userErrors { code } } }', { input: { id: reviewIds[1] } }, ADMIN_KEY);
  const authors: { customerId: string; id: string }[] = await t.sql('SELECT customer_id AS "customerId", id FROM review WHERE id = ANY($1)', [reviewIds.slice(5, 9).map(uuidOf)]);
  const tokens = new Map(buyers.map((b) => [b.id, b.token]));
  for (const a of authors) {
    await t.data('mutation ($input: ReviewUpdateInput!) { reviewUpdate(input: $input) { userErrors { code } } }', { input: { id: Buffer.from(`Review:${a.id}`).toString('base64url'), rating: 1 } }, tokens.get(a.customerId));
  }
});
afterAll(() => t.stop());

const SUMMARY = 'average count distribution { rating count }';

function bruteForce(ratings: number[]) {
  return {
    average: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
    count: ratings.length,
    distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: ratings.filter((r) => r === rating).length })),
  };
}

describe('rating summaries', () => {
  it('equal a brute-force count of the published reviews, per product and per seller, after hides, restores and edits', async () => {
    for (const product of products) {
      const rows = await t.sql<{ rating: number }>(`SELECT rating FROM review WHERE product_id = $1 AND status = 'published'`, [uuidOf(product.id)]);
      const res = await t.data(`query ($id: ID!) { product(id: $id) { ratingSummary { ${SUMMARY} } } }`, { id: product.id });
      const expected = bruteForce(rows.map((r) => r.rating));
      expect(res.product.ratingSummary).toEqual({ ...expected, average: expect.closeTo(expected.average!, 5) });
    }
    for (const seller of sellers) {
      const rows = await t.sql<{ rating: number }>(`SELECT rating FROM review WHERE seller_id = $1 AND status = 'published'`, [uuidOf(seller.id)]);
      const ratings = rows.map((r) => r.rating);
      const res = await t.data(`query ($id: ID!) { seller(id: $id) { rating ratingCount ratingSummary { ${SUMMARY} } } }`, { id: seller.id });
      const expected = bruteForce(ratings);
      expect(res.seller.ratingSummary).toEqual({ ...expected, average: expect.closeTo(expected.average!, 5) });
      // The seller rating: the documented Bayesian average, to the two decimals the column keeps.
      const bayes = (PRIOR_WEIGHT * PRIOR_MEAN + ratings.reduce((a, b) => a + b, 0)) / (PRIOR_WEIGHT + ratings.length);
      expect(res.seller.rating).toBeCloseTo(bayes, 2);
      expect(res.seller.ratingCount).toBe(ratings.length);
    }
  });

  it('gives a seller without reviews the prior, and an empty summary', async () => {
    const fresh = await createSeller(t);
    const res = await t.data(`query ($id: ID!) { seller(id: $id) { rating ratingCount ratingSummary { ${SUMMARY} } } }`, { id: fresh.id });
    expect(res.seller).toEqual({ rating: PRIOR_MEAN, ratingCount: 0, ratingSummary: bruteForce([]) });
  });
});

describe('review lists', () => {
  const page = (id: string, sort: string, first: number, after?: string) =>
    t.data(
      `query ($id: ID!, $sort: ReviewSort!, $first: Int!, $after: String) { seller(id: $id) { reviews(sort: $sort, first: $first, after: $after) {
        nodes { id rating helpfulCount createdAt } pageInfo { hasNextPage endCursor } } } }`,
      { id, sort, first, after },
    );

  it.each(['NEWEST', 'MOST_HELPFUL', 'RATING'])('walks %s in pages of 2 exactly as in one page, in order', async (sort) => {
    const seller = sellers[0]!;
    const all = (await page(seller.id, sort, 100)).seller.reviews.nodes;
    expect(all.length).toBeGreaterThan(5);
    const walked: any[] = [];
    let after: string | undefined;
    for (;;) {
      const res = (await page(seller.id, sort, 2, after)).seller.reviews;
      walked.push(...res.nodes);
      if (!res.pageInfo.hasNextPage) break;
      after = res.pageInfo.endCursor;
    }
    expect(walked).toEqual(all);
    const key = (r: any) => (sort === 'RATING' ? r.rating : sort === 'MOST_HELPFUL' ? r.helpfulCount : 0);
    for (let i = 1; i < all.length; i++) {
      expect(key(all[i - 1])).toBeGreaterThanOrEqual(key(all[i]));
      if (key(all[i - 1]) === key(all[i])) expect(Date.parse(all[i - 1].createdAt)).toBeGreaterThanOrEqual(Date.parse(all[i].createdAt));
    }
  });

  it('refuses forged cursors and oversized pages as bad input', async () => {
    const forged = Buffer.from(JSON.stringify(['x', 'y', 'z'])).toString('base64url');
    const res = await t.request('query ($id: ID!, $after: String) { seller(id: $id) { reviews(first: 2, after: $after) { nodes { id } } } }', { id: sellers[0]!.id, after: forged });
    expect(res.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const big = await t.request('query ($id: ID!) { seller(id: $id) { reviews(first: 101) { nodes { id } } } }', { id: sellers[0]!.id });
    expect(big.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
