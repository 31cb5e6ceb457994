import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers } from '../../helpers/customers';

let t: TestApp;
let seller: TestSeller;

const INSIGHTS = `query ($days: Int, $first: Int) {
  searchInsights(days: $days, first: $first) {
    topQueries { query searches zeroResultSearches }
    zeroResultQueries { query searches zeroResultSearches }
  }
}`;
const search = (query: string, after?: string) =>
  t.data(`query ($q: String!, $after: String) { search(query: $q, first: 1, after: $after) { nodes { id } pageInfo { endCursor } } }`, { q: query, after });

beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  for (const title of ['Paraguas azul', 'Paraguas rojo']) {
    const p = await createProduct(t, seller.key, { title });
    await createListing(t, seller.key, p.variantIds[0]!);
  }
});
afterAll(() => t.stop());

describe('searchInsights', () => {
  it('counts normalized queries and those that found nothing; later pages are not new searches', async () => {
    const first = await search('paraguas');
    await search('paraguas', first.search.pageInfo.endCursor);
    await search('PARAGUAS');
    await search('  Páraguas!! ');
    await search('sombrilla xyz');
    await search('sombrilla xyz');
    await search('');
    const { searchInsights } = await t.data(INSIGHTS, {}, ADMIN_KEY);
    expect(searchInsights).toEqual({
      topQueries: [
        { query: 'paraguas', searches: 3, zeroResultSearches: 0 },
        { query: 'sombrilla xyz', searches: 2, zeroResultSearches: 2 },
      ],
      zeroResultQueries: [{ query: 'sombrilla xyz', searches: 2, zeroResultSearches: 2 }],
    });
  });

  it('is the operator’s only', async () => {
    const [customer] = await insertCustomers(t, 1);
    expect((await t.request(INSIGHTS, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.request(INSIGHTS, {}, customer!.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(INSIGHTS, {}, seller.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses ranges out of bounds', async () => {
    for (const variables of [{ days: 0 }, { days: 91 }, { first: 0 }, { first: 101 }]) {
      expect((await t.request(INSIGHTS, variables, ADMIN_KEY)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('keeps a bounded number of distinct queries a day, counting the rest together', async () => {
    await t.sql(`UPDATE search_query_day_count SET queries = 10000 WHERE day = current_date`);
    await search('paraguas');
    await search('algo nuevo');
    await search('otra cosa');
    const { searchInsights } = await t.data(INSIGHTS, { first: 10 }, ADMIN_KEY);
    expect(searchInsights.topQueries).toEqual([
      { query: 'paraguas', searches: 4, zeroResultSearches: 0 },
      { query: '(other)', searches: 2, zeroResultSearches: 2 },
      { query: 'sombrilla xyz', searches: 2, zeroResultSearches: 2 },
    ]);
  });
});
