import { idOf } from '../../../src/core/global-id';
import { statementCount } from '../../../src/db/data-source';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { bruteForce, FACETS, flattenCategories, walk as walkAll } from './search-walk';

let t: TestApp;
beforeAll(async () => {
  // searchTogetherFrom 1: the page and the counts in one statement even for one search at a time (the other suites run two).
  t = await startTestApp({ searchTogetherFrom: 1 }, { seed: 'small' });
});
afterAll(() => t.stop());

const walk = (query: string, sort?: string, filter?: object, first?: number) => walkAll(t, query, sort, filter, first);

async function aCategory(slug: string): Promise<string> {
  const data = await t.data(`{ categories { id slug children { id slug } } }`);
  const all = data.categories.flatMap((c: any) => [c, ...c.children]);
  return all.find((c: any) => c.slug === slug).id;
}

describe('search facets', () => {
  const cases: [string, string, () => Promise<object | undefined>][] = [
    ['every product', '', async () => undefined],
    ['a frequent word', 'premium', async () => undefined],
    ['two words', 'camiseta algodon', async () => undefined],
    ['a category', '', async () => ({ category: await aCategory('moda') })],
    ['a seller', 'acme', async () => ({ seller: (await t.data(`{ sellers(first: 1) { nodes { id } } }`)).sellers.nodes[0].id })],
    ['a condition and stock', '', async () => ({ condition: 'USED', inStock: true })],
    ['a price range', '', async () => ({ priceMin: 2500, priceMax: 9999 })],
  ];

  it.each(cases)('count what a walk of every page finds: %s', async (_name, query, makeFilter) => {
    const filter = await makeFilter();
    const { nodes, totalCounts } = await walk(query, 'RELEVANCE', filter);
    expect(nodes.length).toBeGreaterThan(0);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    expect(new Set(totalCounts)).toEqual(new Set([nodes.length]));

    const { search } = await t.data(FACETS, { query, filter });
    expect(search.totalCount).toBe(nodes.length);
    // Below config.searchExactLimit (1,000 by default; the small seed has 300 products): every match counted.
    expect(search.totalCountIsExact).toBe(true);
    expect(search.facets.countsAreExact).toBe(true);
    const expected = bruteForce(nodes);
    expect(flattenCategories(search.facets.categories)).toEqual(expected.categories);
    expect(Object.fromEntries(search.facets.sellers.map((s: any) => [s.seller.id, s.count]))).toEqual(expected.sellers);
    expect(Object.fromEntries(search.facets.conditions.map((c: any) => [c.condition, c.count]))).toEqual(expected.conditions);
    expect(search.facets.priceRanges).toEqual(expected.priceRanges);
    expect(search.facets.inStock).toBe(expected.inStock);
  });

  it('counts what a walk finds after prices and stock change (the stored facet key follows its columns)', async () => {
    // About half the products' stock flipped and lowest price moved across the range bounds, written where refreshPrices writes them.
    await t.sql(`UPDATE product SET in_stock = NOT in_stock, min_price = min_price * 3 + 700, max_price = max_price * 3 + 700
                WHERE id IN (SELECT product_id FROM search_product WHERE searchable AND product_id::text < '8')`);
    const { nodes } = await walk('premium');
    const { search } = await t.data(FACETS, { query: 'premium' });
    const expected = bruteForce(nodes);
    expect(search.totalCount).toBe(nodes.length);
    expect(search.facets.priceRanges).toEqual(expected.priceRanges);
    expect(search.facets.inStock).toBe(expected.inStock);
  });

  it('reads a RELEVANCE page and its counts in one statement, answering as the page alone and the counts alone', async () => {
    // With counts selected, a RELEVANCE search reads both from one read of the candidates (search-page.rows.ts); the
    // page alone runs the page's statement, and another sort the counting statement (search-facets.ts totalsSql).
    const COUNTS = `totalCount totalCountIsExact facets { countsAreExact categories { category { id } count children { category { id } count } }
      sellers { seller { id } count } priceRanges { min { amount } max { amount } count } conditions { condition count } ratings { minRating count } inStock }`;
    const page = (counts: string) => `query ($query: String!, $filter: SearchFilter, $sort: SearchSort, $after: String) {
      search(query: $query, first: 4, filter: $filter, sort: $sort, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } ${counts} } }`;
    const queries: [string, object | undefined][] = [
      ['', undefined],
      ['premium', undefined],
      ['camiseta algodon', undefined],
      ['zapatil', undefined],
      ['premium', { inStock: true, priceMax: 9999 }],
      ['zzzzqqq', undefined],
    ];
    for (const [query, filter] of queries) {
      let after: string | null = null;
      for (let n = 0; n < 3; n++) {
        const both: any = (await t.data(page(COUNTS), { query, filter, after })).search;
        const alone = (await t.data(page(''), { query, filter, after })).search;
        // The counts do not depend on the page (a RELEVANCE cursor is not another sort's).
        const counted = (await t.data(page(COUNTS), { query, filter, sort: 'PRICE_ASC' })).search;
        expect({ nodes: both.nodes, pageInfo: both.pageInfo }).toEqual(alone);
        const { nodes: _n, pageInfo: _p, ...counts } = both;
        const { nodes: _n2, pageInfo: _p2, ...countsAlone } = counted;
        expect(counts).toEqual(countsAlone);
        if (!both.pageInfo.hasNextPage) break;
        after = both.pageInfo.endCursor;
      }
    }
    // A later page (no statistics to write): one statement for the page and the counts.
    const first = (await t.data(page(COUNTS), { query: 'premium' })).search;
    await t.data(page(COUNTS), { query: 'premium', after: first.pageInfo.endCursor });
    const before = statementCount(t.app.dataSource);
    await t.data(page(COUNTS), { query: 'premium', after: first.pageInfo.endCursor });
    expect(statementCount(t.app.dataSource) - before).toBe(1);
  });

  it('names the categories and sellers it counts without a statement after the counts', async () => {
    const NAMED = `query ($query: String!) { search(query: $query, first: 1) {
      facets { categories { category { id name slug } count } sellers { seller { id name slug } count } } } }`;
    await t.data(NAMED, { query: 'premium' });
    const before = statementCount(t.app.dataSource);
    const { search } = await t.data(NAMED, { query: 'premium' });
    // The page and the counts; the statistics' write may or may not have been sent yet.
    expect(statementCount(t.app.dataSource) - before).toBeLessThanOrEqual(3);
    const sellers: { id: string; name: string; slug: string }[] = await t.sql(`SELECT id, name, slug FROM seller`);
    for (const { seller } of search.facets.sellers) {
      expect(sellers.find((s) => s.id === idOf(seller.id, 'Seller'))).toMatchObject({ name: seller.name, slug: seller.slug });
    }
    const categories: { id: string; name: string; slug: string }[] = await t.sql(`SELECT id, name, slug FROM category`);
    for (const { category } of search.facets.categories) {
      expect(categories.find((c) => c.id === idOf(category.id, 'Category'))).toMatchObject({ name: category.name, slug: category.slug });
    }
    const counts = search.facets.sellers.map((s: { count: number }) => s.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('returns only what the filters allow', async () => {
    const moda = await aCategory('moda');
    const { nodes } = await walk('', 'RELEVANCE', { category: moda, condition: 'REFURBISHED', priceMax: 5000, inStock: true });
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect([n.category?.id, n.category?.parent?.id]).toContain(moda);
      expect(n.listings.map((l) => l.condition)).toContain('REFURBISHED');
      expect(n.priceRange!.min.amount).toBeLessThanOrEqual(5000);
      expect(n.inStock).toBe(true);
    }
  });

  it('counts ratings cumulatively from the rating hook columns and filters by minimum rating', async () => {
    const { nodes } = await walk('premium');
    const rated = nodes.slice(0, 6).map((n, i) => ({ id: n.id, rating: 1.5 + i * 0.7 }));
    for (const r of rated) {
      await t.sql('UPDATE search_product SET rating_average = $2, rating_count = 10 WHERE product_id = $1', [idOf(r.id, 'Product'), r.rating]);
    }
    const { search } = await t.data(FACETS, { query: 'premium' });
    const expected = [4, 3, 2, 1]
      .map((min) => ({ minRating: min, count: rated.filter((r) => r.rating >= min).length }))
      .filter((r) => r.count > 0);
    expect(search.facets.ratings).toEqual(expected);
    const { nodes: four } = await walk('premium', 'RATING', { minRating: 4 });
    expect(four.map((n) => n.id)).toEqual(rated.filter((r) => r.rating >= 4).sort((a, b) => b.rating - a.rating).map((r) => r.id));
  });
});

describe('search sorts and pages', () => {
  it.each(['RELEVANCE', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST', 'RATING', 'MOST_LIKED', 'BEST_SELLING'])(
    'walks %s in pages of 7 as in one page, each product once',
    async (sort) => {
      const small = await walk('premium', sort, undefined, 7);
      const whole = await walk("premium", sort, undefined, 90);
      expect(whole.nodes.length).toBeLessThanOrEqual(90);
      expect(small.nodes.map((n) => n.id)).toEqual(whole.nodes.map((n) => n.id));
      expect(new Set(small.nodes.map((n) => n.id)).size).toBe(small.nodes.length);
    },
  );

  it('orders by price and by date', async () => {
    const prices = (await walk('premium', 'PRICE_ASC')).nodes.map((n) => n.priceRange?.min.amount ?? Infinity);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const dates = (await walk('premium', 'NEWEST')).nodes.map((n) => Date.parse(n.createdAt));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it('ranks a title match above a description match, and in stock above out of stock', async () => {
    const [seller] = await t.sql<{ id: string }>(`SELECT id FROM seller WHERE status = 'active' LIMIT 1`);
    const titles = ['Quasar lamp', 'Desk lamp', 'Quasar lamp spare'];
    for (const title of titles) {
      await t.sql(
        `WITH p AS (INSERT INTO product (slug, title, description, language) VALUES ($1, $2, $3, 'en') RETURNING id),
              v AS (INSERT INTO product_variant (product_id, title) SELECT id, 'Default' FROM p RETURNING id, product_id)
         INSERT INTO listing (seller_id, variant_id, product_id, sku, price, currency, stock) SELECT $4, v.id, v.product_id, $1, 1000, 'EUR', $5 FROM v`,
        [title.toLowerCase().replaceAll(' ', '-'), title, title === 'Desk lamp' ? 'Works with the quasar base.' : '', seller!.id, title.endsWith('spare') ? 0 : 5],
      );
    }
    // Listings written in SQL: the catalog's denormalised prices, as refreshPrices would set them.
    await t.sql(`UPDATE product p SET min_price = 1000, max_price = 1000, in_stock = EXISTS (SELECT 1 FROM listing l WHERE l.product_id = p.id AND l.stock > 0)
                WHERE p.title = ANY($1)`, [titles]);
    const { nodes } = await walk('quasar');
    expect(nodes.map((n) => n.title)).toEqual(['Quasar lamp', 'Quasar lamp spare', 'Desk lamp']);
  });
});
