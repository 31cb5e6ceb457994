import { seedDatabase, type SeedResult } from '../../../src/seed/seed';
import { statementCount } from '../../../src/db/data-source';
import { startPluginTestApp, type PluginTestApp } from 'zoco/plugin/testing';
import loyaltyPoints from '..';
import { install } from './loyalty-helpers';

let t: PluginTestApp;
let seed: SeedResult;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [loyaltyPoints] });
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

/** Pages of 10 and 50, first while the app learns which sellers installed the plugin, then again. */
async function costs(query: string) {
  const cold = [await cost(query, 10), await cost(query, 50)];
  const warm = [await cost(query, 10), await cost(query, 50)];
  return { cold: cold.map((c) => c.statements), warm: warm.map((c) => c.statements), listings: warm[1]!.listings };
}

describe('Listing.loyaltyPoints on a catalog page', () => {
  it('costs no statement once installations are known, one at most before, for 10 and 50 products, installed or not', async () => {
    const base = (await cost(page(false), 10)).statements;
    const none = await costs(page(true));
    expect(none.cold[0]).toBe(base + 1);
    expect(none.cold[1]).toBeLessThanOrEqual(base + 1);
    expect(none.warm).toEqual([base, base]);
    expect(none.listings.every((l) => l.loyaltyPoints === null)).toBe(true);

    // Installing forgets what the app knew of those sellers: the next page asks again.
    for (const seller of seed.sellers.slice(0, 5)) await install(t, seller.apiKey, { pointsPerEuro: 3 });
    const half = await costs(page(true));
    expect(half.cold[0]).toBe(base + 1);
    expect(half.warm).toEqual([base, base]);
    const earning = half.listings.filter((l) => l.loyaltyPoints !== null);
    expect(earning.length).toBeGreaterThan(0);
    expect(earning.length).toBeLessThan(half.listings.length);
    for (const l of earning) expect(l.loyaltyPoints).toBe(Math.floor((l.price.amount * 3) / 100));
  });
});
