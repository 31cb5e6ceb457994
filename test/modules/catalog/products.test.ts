import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller } from '../../helpers/fixtures';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({}, { seed: 'small' });
});
afterAll(() => t.stop());

const PAGE = `query ($first: Int!, $after: String, $sort: ProductSort!, $filter: ProductFilter) {
  products(first: $first, after: $after, sort: $sort, filter: $filter) {
    nodes { id slug title createdAt priceRange { min { amount } } inStock
      listings { price { amount } stock condition seller { id slug } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Node = { id: string; slug: string; title: string; priceRange: { min: { amount: number } } | null; listings: any[] };

// Pages of at most 90: PAGE's worst case (100 listings with their seller per product) keeps 90 within the default cost limit.
async function walk(sort: string, filter?: object, first = 37, onPage?: () => Promise<void>): Promise<Node[]> {
  const all: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await t.data(PAGE, { first, after, sort, filter });
    all.push(...data.products.nodes);
    await onPage?.();
    if (!data.products.pageInfo.hasNextPage) return all;
    after = data.products.pageInfo.endCursor;
  }
}

const slugsInSqlOrder = async (orderBy: string) =>
  (await t.sql<{ slug: string }>(`SELECT slug FROM product p WHERE status = 'active' ORDER BY ${orderBy}`)).map((r) => r.slug);

describe('products', () => {
  it.each([
    ['NEWEST', 'p.created_at DESC, p.id DESC'],
    ['PRICE_ASC', 'coalesce(p.min_price, 9007199254740991), p.id'],
    ['PRICE_DESC', 'coalesce(p.min_price, -1) DESC, p.id DESC'],
    ['TITLE', 'lower(p.title), p.id'],
  ])('walks every active product once sorted %s', async (sort, orderBy) => {
    const nodes = await walk(sort);
    expect(nodes.map((n) => n.slug)).toEqual(await slugsInSqlOrder(orderBy));
  });

  it('keeps prices sorted with products without offers last', async () => {
    const prices = (await walk('PRICE_ASC', undefined, 90)).map((n) => n.priceRange?.min.amount ?? Infinity);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('has no duplicate and no gap while products are inserted during the walk', async () => {
    const seller = await createSeller(t);
    const before = new Set((await t.sql<{ id: string }>(`SELECT id FROM product WHERE status = 'active'`)).map((r) => r.id));
    let n = 0;
    const seen = await walk('PRICE_ASC', undefined, 25, async () => {
      const product = await createProduct(t, seller.key);
      await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 100 + 997 * n++, currency: 'EUR' } });
    });
    const ids = seen.map((node) => Buffer.from(node.id, 'base64url').toString().split(':')[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of before) expect(ids).toContain(id);
  });

  it('filters by category including its descendants', async () => {
    const [root] = await t.sql<{ id: string }>(`SELECT id FROM category WHERE slug = 'moda'`);
    const gid = Buffer.from(`Category:${root!.id}`).toString('base64url');
    const nodes = await walk('NEWEST', { category: gid }, 90);
    const expected = await t.sql<{ slug: string }>(
      `SELECT p.slug FROM product p JOIN category c ON c.id = p.category_id
        WHERE p.status = 'active' AND c.path LIKE $1 || '%'`,
      [root!.id],
    );
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.map((n) => n.slug).sort()).toEqual(expected.map((r) => r.slug).sort());
  });

  const modaCategory = async () => {
    const [root] = await t.sql<{ id: string }>(`SELECT id FROM category WHERE slug = 'moda'`);
    return { id: root!.id, gid: Buffer.from(`Category:${root!.id}`).toString('base64url') };
  };

  // A root category's page merges its sub-categories' first pages: the order and the cursors must be the catalog's.
  it.each([
    ['NEWEST', 'p.created_at DESC, p.id DESC'],
    ['PRICE_ASC', 'coalesce(p.min_price, 9007199254740991), p.id'],
    ['PRICE_DESC', 'coalesce(p.min_price, -1) DESC, p.id DESC'],
    ['TITLE', 'lower(p.title), p.id'],
  ])('walks a category with sub-categories sorted %s, page by page, in the catalog order', async (sort, orderBy) => {
    const moda = await modaCategory();
    const nodes = await walk(sort, { category: moda.gid }, 7);
    const expected = await t.sql<{ slug: string }>(
      `SELECT p.slug FROM product p JOIN category c ON c.id = p.category_id
        WHERE p.status = 'active' AND c.path LIKE $1 || '%' ORDER BY ${orderBy}`,
      [moda.id],
    );
    expect(nodes.length).toBeGreaterThan(14);
    expect(nodes.map((n) => n.slug)).toEqual(expected.map((r) => r.slug));
  });

  it('filters a category page by a price range that one visible listing must meet', async () => {
    const moda = await modaCategory();
    const nodes = await walk('PRICE_ASC', { category: moda.gid, priceMin: 5000, priceMax: 15000 }, 9);
    const expected = await t.sql<{ slug: string }>(
      `SELECT p.slug FROM product p JOIN category c ON c.id = p.category_id
        WHERE p.status = 'active' AND c.path LIKE $1 || '%'
          AND EXISTS (SELECT 1 FROM listing l JOIN seller s ON s.id = l.seller_id
                       WHERE l.product_id = p.id AND l.status = 'active' AND s.status = 'active' AND l.price BETWEEN 5000 AND 15000)
        ORDER BY coalesce(p.min_price, 9007199254740991), p.id`,
      [moda.id],
    );
    expect(nodes.length).toBeGreaterThan(9);
    expect(nodes.map((n) => n.slug)).toEqual(expected.map((r) => r.slug));
  });

  it('filters by seller, price range, condition and stock on one listing', async () => {
    const [s] = await t.sql<{ id: string }>(`SELECT id FROM seller WHERE slug = 'acme-outlet'`);
    const seller = Buffer.from(`Seller:${s!.id}`).toString('base64url');
    const filter = { seller, priceMin: 1000, priceMax: 20000, inStock: true, condition: 'NEW' };
    const nodes = await walk('PRICE_ASC', filter, 50);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(
        node.listings.some(
          (l) => l.seller.id === seller && l.price.amount >= 1000 && l.price.amount <= 20000 && l.stock > 0 && l.condition === 'NEW',
        ),
      ).toBe(true);
    }
    const [{ count }] = await t.sql(
      `SELECT count(DISTINCT l.product_id)::int AS count FROM listing l JOIN product p ON p.id = l.product_id
        WHERE p.status = 'active' AND l.status = 'active' AND l.seller_id = $1 AND l.price BETWEEN 1000 AND 20000
          AND l.stock > 0 AND l.condition = 'new'`,
      [s!.id],
    );
    expect(nodes).toHaveLength(count);
  });

  it('filters out-of-stock products', async () => {
    const outOfStock = await walk('NEWEST', { inStock: false }, 90);
    expect(outOfStock.every((n) => n.listings.every((l) => l.stock === 0))).toBe(true);
    const inStock = await walk('NEWEST', { inStock: true }, 90);
    expect(inStock.every((n) => n.listings.some((l) => l.stock > 0))).toBe(true);
  });

  it('rejects an inverted price range', async () => {
    const res = await t.request(PAGE, { first: 5, sort: 'NEWEST', filter: { priceMin: 500, priceMax: 100 } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('never shows draft products or listings of suspended sellers', async () => {
    const [suspended] = await t.sql<{ id: string }>(`SELECT id FROM seller WHERE status = 'suspended'`);
    const suspendedId = Buffer.from(`Seller:${suspended!.id}`).toString('base64url');
    const drafts = await t.sql<{ slug: string }>(`SELECT slug FROM product WHERE status = 'draft'`);
    expect(drafts.length).toBeGreaterThan(0);
    const nodes = await walk('NEWEST', undefined, 90);
    const slugs = new Set(nodes.map((n) => n.slug));
    for (const d of drafts) expect(slugs.has(d.slug)).toBe(false);
    expect(nodes.flatMap((n) => n.listings).some((l) => l.seller.id === suspendedId)).toBe(false);
    const draft = await t.data('query ($slug: String!) { product(slug: $slug) { id } }', { slug: drafts[0]!.slug });
    expect(draft.product).toBeNull();
  });

  it('finds a product by slug or id, and refetches it with node()', async () => {
    const [first] = (await t.data(PAGE, { first: 1, sort: 'TITLE' })).products.nodes;
    const bySlug = await t.data('query ($slug: String!) { product(slug: $slug) { id title } }', { slug: first.slug });
    expect(bySlug.product.id).toBe(first.id);
    const byNode = await t.data('query ($id: ID!) { node(id: $id) { __typename ... on Product { slug } } }', { id: first.id });
    expect(byNode.node).toEqual({ __typename: 'Product', slug: first.slug });
    const both = await t.request('query { product(id: "x", slug: "y") { id } }');
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
