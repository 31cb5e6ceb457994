import { idOf } from '../../../src/core/global-id';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { bruteForce, FACETS, flattenCategories, walk } from './search-walk';

/**
 * Bounded work (src/modules/search README): beyond config.searchExactLimit matches, RELEVANCE ranks the first
 * that many the index yields and the matches among the best sellers, and the counts count those same
 * candidates, flagged as lower bounds; below it, everything is exact. A limit of 10 on the small seed (300 products) shows both sides.
 */
const LIMIT = 10;
/** The best sellers walked beyond the limit (search.rows.ts bestSellerWalk): a fifth of it. */
const WALKED = 2;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ searchExactLimit: LIMIT }, { seed: 'small' });
});
afterAll(() => t.stop());

describe('search beyond the exact limit', () => {
  it.each([
    ['a frequent word', 'premium', undefined],
    ['every product', '', undefined],
    ['a frequent word and a filter', 'premium', { inStock: true }],
  ])('ranks and counts the same candidates, flagged as lower bounds: %s', async (_name, query, filter) => {
    // The explicit sorts still read every match: the true size of the result.
    const every = await walk(t, query, 'PRICE_ASC', filter);
    expect(every.nodes.length).toBeGreaterThan(LIMIT);

    // The first LIMIT matches and the matches among the WALKED best sellers.
    const ranked = await walk(t, query, 'RELEVANCE', filter, 3);
    const candidates = ranked.nodes.length;
    expect(candidates).toBeGreaterThanOrEqual(LIMIT);
    expect(candidates).toBeLessThanOrEqual(LIMIT + WALKED);
    expect(new Set(ranked.nodes.map((n) => n.id)).size).toBe(candidates);
    const matches = new Set(every.nodes.map((n) => n.id));
    for (const n of ranked.nodes) expect(matches.has(n.id)).toBe(true);
    expect(new Set(ranked.totalCounts)).toEqual(new Set([candidates]));

    const { search } = await t.data(FACETS, { query, filter });
    expect(search.totalCount).toBe(candidates);
    expect(search.totalCountIsExact).toBe(false);
    expect(search.facets.countsAreExact).toBe(false);
    // Exactly the ranked candidates' counts: each a lower bound of the whole result's.
    const expected = bruteForce(ranked.nodes);
    const whole = bruteForce(every.nodes);
    expect(flattenCategories(search.facets.categories)).toEqual(expected.categories);
    expect(Object.fromEntries(search.facets.sellers.map((s: any) => [s.seller.id, s.count]))).toEqual(expected.sellers);
    expect(Object.fromEntries(search.facets.conditions.map((c: any) => [c.condition, c.count]))).toEqual(expected.conditions);
    expect(search.facets.priceRanges).toEqual(expected.priceRanges);
    expect(search.facets.inStock).toBe(expected.inStock);
    for (const [id, count] of Object.entries(expected.categories)) expect(count).toBeLessThanOrEqual(whole.categories[id]!);
    expect(search.facets.inStock).toBeLessThanOrEqual(whole.inStock);
  });

  it("adds the best sellers' matches to the candidates: popularity is part of relevance", async () => {
    const every = await walk(t, 'premium', 'PRICE_ASC');
    const before = new Set((await walk(t, 'premium', 'RELEVANCE', undefined, 3)).nodes.map((n) => n.id));
    const late = every.nodes.find((n) => !before.has(n.id))!;
    // The best seller of the catalog (written where the reviews module's trigger copies units sold).
    await t.sql('UPDATE search_product SET sales_count = 1000000 WHERE product_id = $1', [idOf(late.id, 'Product')]);
    const ranked = await walk(t, 'premium', 'RELEVANCE', undefined, 3);
    const ids = ranked.nodes.map((n) => n.id);
    expect(ids).toContain(late.id);
    expect(ids.slice(0, 3)).toContain(late.id);
    // The first LIMIT matches stay; the other best sellers' matches may come and go with the walk.
    const firsts = every.nodes.filter((n) => before.has(n.id) || n.id === late.id).map((n) => n.id);
    expect(firsts.length).toBeLessThanOrEqual(ids.length);
    const { search } = await t.data(FACETS, { query: 'premium' });
    expect(search.totalCount).toBe(ids.length);
    expect(search.totalCountIsExact).toBe(false);
    expect(flattenCategories(search.facets.categories)).toEqual(bruteForce(ranked.nodes).categories);
    expect(search.facets.inStock).toBe(bruteForce(ranked.nodes).inStock);
    await t.sql('UPDATE search_product SET sales_count = 0 WHERE product_id = $1', [idOf(late.id, 'Product')]);
  });

  it("reads candidates from the table's first page on the app's connections (no synchronized scans)", async () => {
    expect(await t.sql("SELECT current_setting('synchronize_seqscans') AS setting")).toEqual([{ setting: 'off' }]);
  });

  it('answers totalCount alone (no facets) with the same bound and flag', async () => {
    const { search } = await t.data(`{ search(query: "premium", first: 1) { totalCount totalCountIsExact } }`);
    const { nodes } = await walk(t, 'premium', 'RELEVANCE', undefined, 5);
    expect(search).toEqual({ totalCount: nodes.length, totalCountIsExact: false });
    const { search: flagOnly } = await t.data(`{ search(query: "premium", first: 1) { totalCountIsExact } }`);
    expect(flagOnly).toEqual({ totalCountIsExact: false });
  });

  it('counts exactly again when a narrower query has at most the limit', async () => {
    const filter = { inStock: true, condition: 'REFURBISHED', priceMax: 3000 };
    const every = await walk(t, 'premium', 'PRICE_ASC', filter);
    expect(every.nodes.length).toBeGreaterThan(0);
    expect(every.nodes.length).toBeLessThanOrEqual(LIMIT);
    const ranked = await walk(t, 'premium', 'RELEVANCE', filter, 3);
    expect(new Set(ranked.nodes.map((n) => n.id))).toEqual(new Set(every.nodes.map((n) => n.id)));
    const { search } = await t.data(FACETS, { query: 'premium', filter });
    expect(search.totalCount).toBe(every.nodes.length);
    expect(search.totalCountIsExact).toBe(true);
    expect(search.facets.countsAreExact).toBe(true);
    expect(flattenCategories(search.facets.categories)).toEqual(bruteForce(every.nodes).categories);
  });

  it('is exactly at the limit: a result of LIMIT matches is exact', async () => {
    // The eleventh match decides: `more` reads one row past the limit.
    const every = await walk(t, 'premium', 'PRICE_ASC');
    const cheapest = every.nodes.slice(0, LIMIT).at(-1)!.priceRange!.min.amount;
    const filter = { priceMax: cheapest };
    const atMost = await walk(t, 'premium', 'PRICE_ASC', filter);
    // The small seed's prices are distinct enough that this filter keeps exactly LIMIT: the boundary itself.
    expect(atMost.nodes.length).toBe(LIMIT);
    const { search } = await t.data(FACETS, { query: 'premium', filter });
    expect(search.totalCountIsExact).toBe(atMost.nodes.length <= LIMIT);
    expect(search.totalCount).toBe(atMost.nodes.length);
  });
  it('tells LIMIT from LIMIT + 1 matches in both counting statements (the total alone, and with the facets)', async () => {
    // Each statement counts its first LIMIT candidates before it checks for one more (search-facets.ts totalsSql):
    // the check must run when that count reaches the limit.
    const every = await walk(t, 'premium', 'PRICE_ASC');
    for (const n of [LIMIT, LIMIT + 1]) {
      const filter = { priceMax: every.nodes[n - 1]!.priceRange!.min.amount };
      expect((await walk(t, 'premium', 'PRICE_ASC', filter)).nodes.length).toBe(n);
      const ranked = await walk(t, 'premium', 'RELEVANCE', filter, 3);
      const alone = await t.data(`query ($filter: SearchFilter) { search(query: "premium", first: 1, filter: $filter) { totalCount totalCountIsExact } }`, {
        filter,
      });
      expect(alone.search).toEqual({ totalCount: ranked.nodes.length, totalCountIsExact: n <= LIMIT });
      const { search } = await t.data(FACETS, { query: 'premium', filter });
      expect(search.totalCount).toBe(ranked.nodes.length);
      expect(search.totalCountIsExact).toBe(n <= LIMIT);
      expect(search.facets.countsAreExact).toBe(n <= LIMIT);
      expect(flattenCategories(search.facets.categories)).toEqual(bruteForce(ranked.nodes).categories);
    }
  });
});
