import { seedDatabase } from '../../../src/seed/seed';
import { statementCount } from '../../../src/db/data-source';
import { startTestApp, type TestApp } from '../../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  // A page of 100 with every variant's listings is rated 30,601 (server/cost.ts, a worst case): over the default limit.
  t = await startTestApp({ limits: { maxCost: 50_000 } });
  await seedDatabase(t.app.dataSource, 'small');
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
    // products, their titles in the reader's language (product_translation), variants, listings (with their sellers), categories, parent categories
    expect(counts[0]).toBe(6);
  });
});
