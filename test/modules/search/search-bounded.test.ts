import { seedDatabase } from '../../../src/seed/seed';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { bruteForce, FACETS, flattenCategories, walk } from './search-walk';

/**
 * Bounded work (src/modules/search README): beyond config.searchExactLimit matches, RELEVANCE ranks the first
 * that many the index yields and the counts count those same candidates, flagged as lower bounds; below it,
 * everything is exact. A limit of 10 on the small seed (300 products) shows both sides.
 */
const LIMIT = 10;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ searchExactLimit: LIMIT });
  await seedDatabase(t.app.dataSource, 'small');
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

    const ranked = await walk(t, query, 'RELEVANCE', filter, 3);
    expect(ranked.nodes.length).toBe(LIMIT);
    expect(new Set(ranked.nodes.map((n) => n.id)).size).toBe(LIMIT);
    const matches = new Set(every.nodes.map((n) => n.id));
    for (const n of ranked.nodes) expect(matches.has(n.id)).toBe(true);
    expect(new Set(ranked.totalCounts)).toEqual(new Set([LIMIT]));

    const { search } = await t.data(FACETS, { query, filter });
    expect(search.totalCount).toBe(LIMIT);
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

  it('answers totalCount alone (no facets) with the same bound and flag', async () => {
    const { search } = await t.data(`{ search(query: "premium", first: 1) { totalCount totalCountIsExact } }`);
    expect(search).toEqual({ totalCount: LIMIT, totalCountIsExact: false });
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
    expect(search.totalCount).toBe(Math.min(atMost.nodes.length, LIMIT));
  });
});
