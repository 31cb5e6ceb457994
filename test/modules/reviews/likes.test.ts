import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestProduct, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { buy } from './review-fixtures';

let t: TestApp;
let seller: TestSeller;

beforeAll(async () => {
  t = await startTestApp({ eventPollIntervalMs: 50 });
  seller = await createSeller(t);
});
afterAll(() => t.stop());

const LIKE = 'mutation ($input: ProductLikeInput!) { productLike(input: $input) { liked product { likeCount viewerHasLiked } userErrors { code } } }';
const UNLIKE = 'mutation ($input: ProductLikeInput!) { productUnlike(input: $input) { liked product { likeCount viewerHasLiked } userErrors { code } } }';
const likeCount = async (id: string, token?: string) =>
  (await t.data('query ($id: ID!) { product(id: $id) { likeCount viewerHasLiked } }', { id }, token)).product;

describe('likes', () => {
  it('counts a like once under concurrency, and an unlike once, with outbox events', async () => {
    const product = await createProduct(t, seller.key);
    const [a, b] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    await Promise.all(Array.from({ length: 8 }, () => t.data(LIKE, { input: { productId: product.id } }, a.token)));
    expect(await likeCount(product.id, a.token)).toEqual({ likeCount: 1, viewerHasLiked: true });
    expect(await likeCount(product.id, b.token)).toEqual({ likeCount: 1, viewerHasLiked: false });
    expect(await likeCount(product.id)).toEqual({ likeCount: 1, viewerHasLiked: false });
    await Promise.all([a, b].flatMap((c) => [1, 2, 3].map(() => t.data(LIKE, { input: { productId: product.id } }, c.token))));
    expect((await likeCount(product.id)).likeCount).toBe(2);
    const unliked = await Promise.all(Array.from({ length: 5 }, () => t.data(UNLIKE, { input: { productId: product.id } }, a.token)));
    expect(unliked[0].productUnlike).toEqual({ liked: false, product: { likeCount: 1, viewerHasLiked: false }, userErrors: [] });
    const events = await t.sql(`SELECT type, count(*)::int AS n FROM outbox WHERE payload->>'productId' = $1 GROUP BY type ORDER BY type`, [uuidOf(product.id)]);
    expect(events).toEqual([{ type: 'product.liked', n: 2 }, { type: 'product.unliked', n: 1 }]);
  });

  it('is for customers only, of products on the storefront', async () => {
    const product = await createProduct(t, seller.key);
    const guest = await t.request(LIKE, { input: { productId: product.id } });
    expect(guest.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const bySeller = await t.request(LIKE, { input: { productId: product.id } }, seller.key);
    expect(bySeller.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const [c] = (await insertCustomers(t, 1)) as [TestCustomer];
    const draft = await createProduct(t, seller.key, { status: 'DRAFT' });
    expect((await t.data(LIKE, { input: { productId: draft.id } }, c.token)).productLike.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await t.data(LIKE, { input: { productId: 'garbage' } }, c.token)).productLike.userErrors).toEqual([{ code: 'INVALID_ID' }]);
  });

  it("lists the viewer's liked products, newest like first, in pages", async () => {
    const [c] = (await insertCustomers(t, 1)) as [TestCustomer];
    const liked: TestProduct[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await createProduct(t, seller.key);
      await t.data(LIKE, { input: { productId: p.id } }, c.token);
      liked.push(p);
    }
    const q = 'query ($after: String) { viewer { likedProducts(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }';
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = (await t.data(q, { after }, c.token)).viewer.likedProducts;
      ids.push(...res.nodes.map((n: any) => n.id));
      if (!res.pageInfo.hasNextPage) break;
      after = res.pageInfo.endCursor;
    }
    expect(ids).toEqual(liked.map((p) => p.id).reverse());
  });
});

describe('MOST_LIKED and TRENDING', () => {
  const sorted = async (sort: string, categoryId: string) =>
    (await t.data('query ($sort: ProductSort!, $c: ID!) { products(first: 50, sort: $sort, filter: { category: $c }) { nodes { id } } }', { sort, c: categoryId })).products.nodes.map((n: any) => n.id);

  it('orders by likes, and by decayed activity with older likes worth less than fresh ones', async () => {
    const category = (await t.data('mutation { categoryCreate(input: { slug: "liked-things", name: "Liked" }) { category { id } } }', {}, 'test-operator-key-0123456789abcdef')).categoryCreate.category.id;
    const [p1, p2, p3, p4] = await Promise.all([1, 2, 3, 4].map(() => createProduct(t, seller.key, { categoryId: category })));
    const customers = await insertCustomers(t, 4);
    const like = (p: TestProduct, c: TestCustomer) => t.data(LIKE, { input: { productId: p.id } }, c.token);
    for (const c of customers.slice(0, 3)) await like(p1!, c);
    for (const c of customers.slice(0, 2)) await like(p2!, c);
    await like(p3!, customers[0]!);
    expect(await sorted('MOST_LIKED', category)).toEqual([p1!.id, p2!.id, p3!.id, p4!.id]);
    // p1's likes are made 30 days old (10 half-lives): a single fresh like of p3 outweighs them, p4 stays last.
    const p1Id = uuidOf(p1!.id);
    await t.sql(`UPDATE product_like SET liked_at = liked_at - interval '30 days' WHERE product_id = $1`, [p1Id]);
    await t.sql(
      `UPDATE product_popularity SET trending_score = (SELECT log(2, sum(3 * power(2::float8, extract(epoch FROM liked_at - timestamptz '2026-01-01Z') / (72 * 3600)))::numeric)::float8
         FROM product_like WHERE product_id = $1) WHERE product_id = $1`,
      [p1Id],
    );
    expect(await sorted('TRENDING', category)).toEqual([p2!.id, p3!.id, p1!.id, p4!.id]);
    // Unliking takes back exactly what the like added: p2 without its likes falls behind p1's old ones.
    for (const c of customers.slice(0, 2)) await t.data(UNLIKE, { input: { productId: p2!.id } }, c.token);
    const after = await sorted('TRENDING', category);
    expect(after.slice(0, 2)).toEqual([p3!.id, p1!.id]);
    expect(after.slice(2).sort()).toEqual([p2!.id, p4!.id].sort());
    const [p2Row] = await t.sql('SELECT like_count, trending_score FROM product_popularity WHERE product_id = $1', [uuidOf(p2!.id)]);
    expect(p2Row).toEqual({ like_count: 0, trending_score: -Infinity });
  });

  it('counts paid units as sales once per order, feeding TRENDING', async () => {
    const product = await createProduct(t, seller.key);
    const listingId = await createListing(t, seller.key, product.variantIds[0]!, { stock: 10 });
    const [c] = (await insertCustomers(t, 1)) as [TestCustomer];
    await buy(t, c, [listingId]);
    await until(async () => (await t.sql('SELECT sales_count FROM product_popularity WHERE product_id = $1', [uuidOf(product.id)]))[0]?.sales_count === 1, 'sales counted');
    const [row] = await t.sql('SELECT trending_score FROM product_popularity WHERE product_id = $1', [uuidOf(product.id)]);
    expect(row.trending_score).toBeGreaterThan(0);
  });
});
