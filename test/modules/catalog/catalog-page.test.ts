import { statementCount } from '../../../src/db/data-source';
import { startTestApp, type TestApp } from '../../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  // A page of 100 with every variant's listings is rated 30,601 (server/cost.ts, a worst case): over the default limit.
  t = await startTestApp({ limits: { maxCost: 50_000 } }, { seed: 'small' });
});
afterAll(() => t.stop());

const CATALOG = `query ($first: Int!) {
  products(first: $first) {
    nodes {
      title slug
      priceRange { min { amount currency } max { amount currency } }
      bestListing { price { amount currency } stock seller { name } }
      variants { title listings { price { amount currency } stock seller { name } } }
      category { name parent { name } }
    }
  }
}`;

describe('catalog page cost', () => {
  it('runs the same number of SQL statements for 10, 50 and 100 products', async () => {
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      const before = statementCount(t.app.dataSource);
      const data = await t.data(CATALOG, { first });
      counts.push(statementCount(t.app.dataSource) - before);
      expect(data.products.nodes).toHaveLength(first);
    }
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    // products (with their categories), variants, listings (with their sellers), parent categories; no product is
    // translated, so no lookup of titles in the reader's language
    expect(counts[0]).toBe(4);
  });

  const SELLER = `fragment S on Seller {
      id slug name description status rating ratingCount createdAt legalName taxId
      address { name line1 line2 city region postalCode country phone }
      shipping { flatRate { amount currency } freeShippingThreshold { amount currency } }
    }`;
  const CATEGORY = 'fragment C on Category { id slug name position parent { id } }';
  const FULL = `${SELLER} ${CATEGORY}`;
  const byId = <T extends { id: string }>(items: T[]) => [...new Map(items.map((i) => [i.id, i])).values()];

  it('answers the sellers and categories a page primes exactly as their own loaders do', async () => {
    const page = await t.data(`{ products(first: 100) { nodes { slug category { ...C } listings { seller { ...S } } } } } ${FULL}`);
    const nodes: { slug: string; category: { id: string } | null; listings: { seller: { id: string } }[] }[] = page.products.nodes;
    const sellers = byId(nodes.flatMap((n) => n.listings.map((l) => l.seller)));
    const categories = byId(nodes.flatMap((n) => (n.category ? [n.category] : [])));
    expect(sellers.length).toBeGreaterThan(1);
    expect(categories.length).toBeGreaterThan(1);
    // Each in a request of its own: read by id (SELLER_COLUMNS, CATEGORY_COLUMNS), nothing primed.
    const alone = await t.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { ...S ...C } } ${FULL}`, { ids: [...sellers, ...categories].map((x) => x.id) });
    expect(alone.nodes).toEqual([...sellers, ...categories]);
    // A product page primes its category likewise.
    const withCategory = nodes.find((n) => n.category)!;
    const one = await t.data(`query ($slug: String!) { product(slug: $slug) { category { ...C } } } ${CATEGORY}`, { slug: withCategory.slug });
    expect(one.product.category).toEqual(withCategory.category);
  });

  it('looks titles up in the reader’s language only when a product of the page has a translation', async () => {
    const { products } = await t.data('{ products(first: 10) { nodes { id title description } } }');
    const translated = products.nodes[3];
    const uuid = Buffer.from(translated.id, 'base64url').toString().split(':')[1];
    await t.app.dataSource.query(`INSERT INTO product_translation (product_id, locale, title, description) VALUES ($1, 'es', 'Título', 'Descripción')`, [uuid]);
    try {
      const before = statementCount(t.app.dataSource);
      const page = await t.data('{ products(first: 10) { nodes { id title(locale: "es") description(locale: "es") english: title(locale: "en") } } }');
      // The page, then one batch of translations.
      expect(statementCount(t.app.dataSource) - before).toBe(2);
      expect(page.products.nodes).toEqual(
        products.nodes.map((n: { id: string; title: string; description: string }) =>
          n.id === translated.id
            ? { id: n.id, title: 'Título', description: 'Descripción', english: n.title }
            : { id: n.id, title: n.title, description: n.description, english: n.title },
        ),
      );
    } finally {
      await t.app.dataSource.query('DELETE FROM product_translation WHERE product_id = $1', [uuid]);
    }
  });
});
