import { rebuildCoPurchases } from '../../../src/modules/recommendations';
import { insertCustomers } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { buy } from '../reviews/review-fixtures';

let t: TestApp;
let sellers: TestSeller[];
const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;
type Name = (typeof names)[number];
const product: Record<Name, string> = {} as never;
const listing: Record<Name, string> = {} as never;
const sellerOf = (name: Name) => sellers[names.indexOf(name) % 2]!;

/**
 * Hand-made baskets (each one checkout; products alternate between two sellers, so most baskets are two
 * orders). The baskets without A come first, so A's list, refreshed by its last basket, sees final counts.
 *   n(A) = 11, n(B) = 5, n(C) = 4, n(D) = 3, n(E) = 4, n(F) = 3, n(G) = 2
 *   with A: B 3, C 3, D 2, E 2, F 3, G 2, H 1 (below the minimum support)
 *   cosine: F 3/√33 = .522, C 3/√44 = .452, G 2/√22 = .426, B 3/√55 = .405, D 2/√33 = .348, E 2/√44 = .302
 * By raw counts (what popularity would say) B, C and F tie; cosine tells them apart by how often each sells anyway.
 */
const baskets: Name[][] = [['B'], ['E'], ['E', 'D'], ['B', 'C'], ['A', 'B', 'C'], ['A', 'B', 'H'], ['A', 'B', 'D'], ['A', 'C'], ['A', 'C', 'E'], ['A', 'D', 'E'], ['A', 'F'], ['A', 'F'], ['A', 'F'], ['A', 'G'], ['A', 'G']];

const ALSO_BOUGHT = `query ($id: ID!) { product(id: $id) { alsoBought(first: 10) { product { id } score basketCount reason } } }`;
const alsoBought = async (name: Name) => (await t.data(ALSO_BOUGHT, { id: product[name] })).product.alsoBought as { product: { id: string }; score: number; basketCount: number; reason: string }[];
const nameOf = (id: string) => names.find((n) => product[n] === id);

beforeAll(async () => {
  t = await startTestApp({ eventPollIntervalMs: 50 });
  sellers = [await createSeller(t), await createSeller(t)];
  for (const name of names) {
    const p = await createProduct(t, sellerOf(name).key, { title: `Product ${name}` });
    product[name] = p.id;
    listing[name] = await createListing(t, sellerOf(name).key, p.variantIds[0]!, { stock: 100 });
  }
  const buyers = await insertCustomers(t, baskets.length);
  let orders = 0;
  for (const [i, basket] of baskets.entries()) orders += (await buy(t, buyers[i]!, basket.map((n) => listing[n]))).length;
  await until(async () => (await t.sql('SELECT count(*)::int AS n FROM basket_counted_order'))[0].n === orders, 'every paid order counted');
});
afterAll(() => t.stop());

describe('Product.alsoBought', () => {
  it('ranks co-purchases by cosine similarity above the minimum support, across sellers, with a reason', async () => {
    const list = await alsoBought('A');
    expect(list.map((r) => nameOf(r.product.id))).toEqual(['F', 'C', 'G', 'B', 'D', 'E']);
    expect(list[1]).toEqual({ product: { id: product.C }, score: expect.closeTo(3 / Math.sqrt(44), 5), basketCount: 3, reason: 'Bought together in 3 orders' });
    expect(list[3]!.score).toBeCloseTo(3 / Math.sqrt(55), 5);
    expect(list.at(-1)!.score).toBeCloseTo(2 / Math.sqrt(44), 5);
  });

  it('shows only products on the storefront with stock', async () => {
    await t.data('mutation ($input: ProductArchiveInput!) { productArchive(input: $input) { userErrors { code } } }', { input: { id: product.F } }, sellerOf('F').key);
    await t.data('mutation ($input: ListingStockSetInput!) { listingStockSet(input: $input) { userErrors { code } } }', { input: { listingId: listing.G, stock: 0 } }, sellerOf('G').key);
    expect((await alsoBought('A')).map((r) => nameOf(r.product.id))).toEqual(['C', 'B', 'D', 'E']);
    const few = await t.data('query ($id: ID!) { product(id: $id) { alsoBought(first: 2) { product { id } } } }', { id: product.A });
    expect(few.product.alsoBought.map((r: any) => nameOf(r.product.id))).toEqual(['C', 'B']);
    const tooMany = await t.request('query ($id: ID!) { product(id: $id) { alsoBought(first: 21) { score } } }', { id: product.A });
    expect(tooMany.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('counts a redelivered order once, and a rebuild from scratch agrees with the incremental lists', async () => {
    const before = await t.sql('SELECT a, b, count FROM product_pair ORDER BY a, b');
    const sales = await t.sql('SELECT sum(sales_count)::int AS n FROM product_popularity');
    // The outbox delivers at least once: deliver every order.paid again, through the dispatcher.
    await t.sql(`UPDATE outbox SET dispatched_at = NULL WHERE type = 'order.paid'`);
    await until(async () => (await t.sql(`SELECT count(*)::int AS n FROM outbox WHERE type = 'order.paid' AND dispatched_at IS NULL`))[0].n === 0, 'redelivery');
    expect(await t.sql('SELECT a, b, count FROM product_pair ORDER BY a, b')).toEqual(before);
    expect(await t.sql('SELECT sum(sales_count)::int AS n FROM product_popularity')).toEqual(sales);

    const incremental = await t.sql(`SELECT other_id, co_count, score FROM also_bought WHERE product_id = $1 ORDER BY rank`, [Buffer.from(product.A, 'base64url').toString().split(':')[1]]);
    const result = await rebuildCoPurchases(t.app.dataSource);
    expect(result).toEqual({ baskets: baskets.length, pairs: expect.any(Number) });
    expect(await t.sql('SELECT a, b, count FROM product_pair ORDER BY a, b')).toEqual(before);
    const rebuilt = await t.sql(`SELECT other_id, co_count, score FROM also_bought WHERE product_id = $1 ORDER BY rank`, [Buffer.from(product.A, 'base64url').toString().split(':')[1]]);
    expect(rebuilt).toEqual(incremental);
  });
});
