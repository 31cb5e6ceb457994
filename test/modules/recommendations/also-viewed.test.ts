import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { event, setConsent, track } from '../personalization/personalization-fixtures';

let t: TestApp;
let seller: TestSeller;
const product: Record<string, string> = {};
const nameOf = (id: string) => Object.keys(product).find((n) => product[n] === id);

beforeAll(async () => {
  t = await startTestApp({ eventPollIntervalMs: 50 });
  seller = await createSeller(t);
  for (const name of ['P', 'Q', 'R', 'S']) {
    const p = await createProduct(t, seller.key, { title: `Product ${name}` });
    product[name] = p.id;
    await createListing(t, seller.key, p.variantIds[0]!, { stock: 10 });
  }
});
afterAll(() => t.stop());

const views = (names: string[], prefix: string) => names.map((n, i) => event('PRODUCT_VIEWED', { id: `${prefix}-${i}`, productId: product[n] }));

describe('Product.alsoViewed', () => {
  it("pairs a consenting customer's views of one day, by cosine, each touchpoint once; others' views stay anonymous", async () => {
    const [c1, c2, c3, c4, anonymous] = (await insertCustomers(t, 5)) as TestCustomer[];
    for (const c of [c1, c2, c3, c4]) await setConsent(t, c!.token, true);
    // n(P) = 3, n(Q) = 2, n(R) = 3; P with Q 2 (2/√6 = .82), with R 2 (2/√9 = .67); S only with R once.
    // (c4 first: a list is refreshed when its product is viewed, so P's last view comes after R's.)
    const batches: [TestCustomer, string[]][] = [[c4!, ['R', 'S']], [c1!, ['P', 'Q', 'R']], [c2!, ['P', 'Q']], [c3!, ['P', 'R']]];
    for (const [c, names] of batches) expect((await track(t, views(names, 'v'), c.token)).accepted).toBe(names.length);
    // Without the consent: counted anonymously by personalization, never paired here.
    await track(t, views(['P', 'S', 'P', 'S'], 'a'), anonymous!.token);
    // A resent batch: personalization drops it, and a redelivered event would count once anyway.
    await track(t, views(['P', 'Q', 'R'], 'v'), c1!.token);
    await t.sql(`UPDATE outbox SET dispatched_at = NULL WHERE type = 'touchpoint.recorded'`);
    await until(async () => (await t.sql(`SELECT count(*)::int AS n FROM outbox WHERE type = 'touchpoint.recorded' AND dispatched_at IS NULL`))[0].n === 0, 'touchpoints');
    await until(async () => (await t.sql('SELECT count(*)::int AS n FROM view_counted_touchpoint'))[0].n === 9, 'views counted');

    const res = await t.data('query ($id: ID!) { product(id: $id) { alsoViewed(first: 10) { product { id } score basketCount reason } } }', { id: product.P });
    expect(res.product.alsoViewed).toEqual([
      { product: { id: product.Q }, score: expect.closeTo(2 / Math.sqrt(6), 5), basketCount: 2, reason: 'Viewed together in 2 visits' },
      { product: { id: product.R }, score: expect.closeTo(2 / Math.sqrt(9), 5), basketCount: 2, reason: 'Viewed together in 2 visits' },
    ]);
    const s = await t.data('query ($id: ID!) { product(id: $id) { alsoViewed { product { id } } } }', { id: product.S });
    expect(s.product.alsoViewed.map((r: any) => nameOf(r.product.id))).toEqual([]);
    // Views feed popularity too, each touchpoint once.
    const [p] = await t.sql('SELECT view_count FROM product_popularity WHERE product_id = $1', [uuidOf(product.P!)]);
    expect(p).toEqual({ view_count: 3 });
  });
});
