import { idOf } from '../../../src/core/global-id';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { FACETS } from './search-walk';

/**
 * What a search reads per request (search.service.ts SearchSelection): narrow product rows and facet sellers when
 * the operation selects only fields a narrow row answers, whole ones otherwise; and the counting statement run
 * prepared (search-prepared.ts). Either way the answers are the same.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { seed: 'small' });
});
afterAll(() => t.stop());

const NARROW = `query ($q: String!) { search(query: $q, first: 20) {
  nodes { id slug title status language inStock priceRange { min { amount } max { amount } } category { id name } }
  facets { sellers { seller { id slug name status rating ratingCount } count } } } }`;
/** NARROW and fields only whole rows answer, on products (through a fragment) and on the facets' sellers. */
const WHOLE = `query ($q: String!) { search(query: $q, first: 20) {
  nodes { id slug title status language inStock priceRange { min { amount } max { amount } } category { id name } ...More }
  facets { sellers { seller { id slug name status rating ratingCount description createdAt legalName } count } } } }
  fragment More on Product { description createdAt }`;

describe('search reads narrow rows only for fields they answer', () => {
  it.each(['premium', 'camiseta algodon', ''])('answers the same with and without whole-row fields: %j', async (q) => {
    const narrow = (await t.data(NARROW, { q })).search;
    const whole = (await t.data(WHOLE, { q })).search;
    expect(narrow.nodes.length).toBeGreaterThan(0);
    expect(narrow.facets.sellers.length).toBeGreaterThan(0);
    expect(whole.nodes.map(({ description: _d, createdAt: _c, ...rest }: any) => rest)).toEqual(narrow.nodes);
    expect(
      whole.facets.sellers.map(({ seller: { description: _d, createdAt: _c, legalName: _l, ...seller }, count }: any) => ({ seller, count })),
    ).toEqual(narrow.facets.sellers);

    // The whole rows' own fields, as stored.
    const products = await t.sql(`SELECT id, description, created_at AS "createdAt" FROM product WHERE id = ANY($1)`, [
      whole.nodes.map((n: any) => idOf(n.id, 'Product')),
    ]);
    const byId = new Map(products.map((p) => [p.id, p]));
    for (const n of whole.nodes) {
      const p = byId.get(idOf(n.id, 'Product'));
      expect(n.description).toBe(p.description);
      expect(new Date(n.createdAt).getTime()).toBe(new Date(p.createdAt).getTime());
    }
    const sellers = await t.sql(`SELECT id, description, legal_name AS "legalName" FROM seller WHERE id = ANY($1)`, [
      whole.facets.sellers.map((s: any) => idOf(s.seller.id, 'Seller')),
    ]);
    const sellerById = new Map(sellers.map((s) => [s.id, s]));
    for (const { seller } of whole.facets.sellers) {
      const s = sellerById.get(idOf(seller.id, 'Seller'));
      expect(seller.description).toBe(s.description);
      expect(seller.legalName).toBe(s.legalName);
      expect(seller.createdAt).toEqual(expect.any(String));
    }
  });

  it('reads whole sellers for another field of the same operation that loads them', async () => {
    // The facets' narrow sellers are not primed into the loader: a listing's seller still answers every field.
    const { search } = await t.data(`{ search(query: "premium", first: 3) {
      nodes { listings { seller { id description } } } facets { sellers { seller { id name } count } } } }`);
    const listed = search.nodes.flatMap((n: any) => n.listings.map((l: any) => l.seller));
    expect(listed.length).toBeGreaterThan(0);
    const [{ description }] = await t.sql('SELECT description FROM seller WHERE id = $1', [idOf(listed[0].id, 'Seller')]);
    expect(listed[0].description).toBe(description);
  });
});

describe('the prepared counting statement', () => {
  it('answers the same past the runs after which PostgreSQL may keep a generic plan', async () => {
    // Words of very different frequency (and none) share each statement text: the plan PostgreSQL keeps after
    // five custom ones must count each of them as their first run did.
    const words = ['premium', 'camiseta algodon', 'zzzzqqq', 'algodon', ''];
    const first = new Map<string, unknown>();
    for (const q of words) first.set(q, (await t.data(FACETS, { query: q })).search);
    for (let round = 0; round < 3; round++) {
      for (const q of words) expect((await t.data(FACETS, { query: q })).search).toEqual(first.get(q));
    }
    const alone = `query ($q: String!) { search(query: $q, first: 1) { totalCount totalCountIsExact } }`;
    for (let round = 0; round < 3; round++) {
      for (const q of words) {
        const { totalCount, totalCountIsExact } = first.get(q) as { totalCount: number; totalCountIsExact: boolean };
        expect((await t.data(alone, { q })).search).toEqual({ totalCount, totalCountIsExact });
      }
    }
  });
});
