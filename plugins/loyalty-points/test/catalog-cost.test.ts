import { seedDatabase, type SeedResult } from '../../../src/seed/seed';
import { statementCount } from '../../../src/db/data-source';
import { startTestApp, type TestApp } from '../../../test/helpers/test-app';
import loyaltyPoints from '..';
import { install } from './loyalty-helpers';

let t: TestApp;
let seed: SeedResult;
beforeAll(async () => {
  t = await startTestApp({ plugins: [loyaltyPoints], migrateOnStart: true, eventPollIntervalMs: 50, pluginRetryBaseMs: 50 });
  seed = await seedDatabase(t.app.dataSource, 'small');
});
afterAll(() => t.stop());

const page = (loyalty: boolean) => `query ($first: Int!) {
  products(first: $first) { nodes { title variants { listings { price { amount currency } ${loyalty ? 'loyaltyPoints' : ''} } } } }
}`;

interface ListingView {
  price: { amount: number };
  loyaltyPoints?: number | null;
}

async function cost(query: string, first: number): Promise<{ statements: number; listings: ListingView[] }> {
  const before = statementCount(t.app.dataSource);
  const data = await t.data(query, { first });
  const statements = statementCount(t.app.dataSource) - before;
  expect(data.products.nodes).toHaveLength(first);
  const listings: ListingView[] = data.products.nodes.flatMap((p: any) => p.variants.flatMap((v: any) => v.listings));
  return { statements, listings };
}

describe('Listing.loyaltyPoints on a catalog page', () => {
  it('costs one statement more than the page without it, for 10 and 50 products, installed or not', async () => {
    const base = (await cost(page(false), 10)).statements;
    const none = [await cost(page(true), 10), await cost(page(true), 50)];
    expect(none.map((c) => c.statements)).toEqual([base + 1, base + 1]);
    expect(none[1]!.listings.every((l) => l.loyaltyPoints === null)).toBe(true);

    for (const seller of seed.sellers.slice(0, 5)) await install(t, seller.apiKey, { pointsPerEuro: 3 });
    const half = [await cost(page(true), 10), await cost(page(true), 50)];
    expect(half.map((c) => c.statements)).toEqual([base + 1, base + 1]);
    const earning = half[1]!.listings.filter((l) => l.loyaltyPoints !== null);
    expect(earning.length).toBeGreaterThan(0);
    expect(earning.length).toBeLessThan(half[1]!.listings.length);
    for (const l of earning) expect(l.loyaltyPoints).toBe(Math.floor((l.price.amount * 3) / 100));
  });
});
