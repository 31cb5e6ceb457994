import { DEFAULT_SEARCH_EXACT_LIMIT } from '../../src/config';
import { rankSearchTiers } from '../../src/modules/search';
import { seedDatabase } from '../../src/seed/seed';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The seed loads in bulk (src/seed: keys and indexes rebuilt after the load, search's insert trigger off and
 * its functions run once per product, price ranges written with the products): what it leaves must be what
 * row-by-row writes leave. Each check recomputes a derived table with its owner's own rule and compares.
 */
let t: TestApp;
const TABLES = ['product', 'product_variant', 'listing', 'search_product'];

const schemaOf = () =>
  t.sql(
    `SELECT conrelid::regclass::text AS "table", conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = ANY($1::regclass[])
     UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY($2)
     UNION ALL SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger WHERE tgrelid = ANY($1::regclass[]) AND NOT tgisinternal
     ORDER BY 1, 2, 3`,
    [TABLES, TABLES],
  );

let schemaBefore: unknown[];
beforeAll(async () => {
  t = await startTestApp();
  schemaBefore = await schemaOf();
  await seedDatabase(t.app.dataSource, 'small');
});
afterAll(() => t.stop());

describe('seed', () => {
  it('leaves the tables with the keys, indexes and triggers they had', async () => {
    expect(await schemaOf()).toEqual(schemaBefore);
  });

  it('writes the price ranges and stock flags that catalog computes from offered listings', async () => {
    const stale = await t.sql(
      `SELECT p.id FROM product p
         LEFT JOIN (SELECT l.product_id, min(l.price) AS min_price, max(l.price) AS max_price, bool_or(l.stock > 0) AS in_stock
                      FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.status = 'active' AND s.status = 'active'
                     GROUP BY l.product_id) a ON a.product_id = p.id
        WHERE p.min_price IS DISTINCT FROM a.min_price OR p.max_price IS DISTINCT FROM a.max_price OR p.in_stock <> coalesce(a.in_stock, false)`,
    );
    expect(stale).toEqual([]);
    // The small seed's suspended seller: some products have no offered listing, so no price range.
    expect((await t.sql(`SELECT count(*)::int AS n FROM product WHERE min_price IS NULL`))[0].n).toBeGreaterThan(0);
  });

  it('indexes every product for search as the trigger does, and counts every word of active titles', async () => {
    const rows = () => t.sql(`SELECT sp.*::text AS row FROM search_product sp ORDER BY product_id`);
    const seeded = await rows();
    expect(seeded).toHaveLength((await t.sql(`SELECT count(*)::int AS n FROM product`))[0].n);
    await t.sql('SELECT search_product_sync(ARRAY(SELECT id FROM product))');
    expect(await rows()).toEqual(seeded);
    const words = await t.sql(`SELECT word, doc_count FROM search_vocabulary WHERE doc_count > 0 ORDER BY word`);
    const expected = await t.sql(
      `SELECT w AS word, count(*)::int AS doc_count FROM product p CROSS JOIN LATERAL search_words(p.title) w
        WHERE p.status = 'active' GROUP BY w ORDER BY w`,
    );
    expect(words.length).toBeGreaterThan(20);
    expect(words).toEqual(expected);
  });

  it('leaves the search tiers fully ranked for the default exact limit (a ranking now moves nothing)', async () => {
    const tiers = await t.sql('SELECT tier, products, used FROM search_tier ORDER BY tier');
    // 300 products: no tier is a proper part of the catalog (tier 1 would be 10 × 1,000), so none is used.
    expect(tiers).toEqual([
      { tier: 1, products: expect.any(Number), used: false },
      { tier: 2, products: expect.any(Number), used: false },
    ]);
    const ranked = await rankSearchTiers((fn) => t.app.dataSource.transaction(fn), DEFAULT_SEARCH_EXACT_LIMIT);
    expect(ranked).toEqual({ moved: 0, batches: 1, tiers: tiers.map((row) => expect.objectContaining(row)) });
  });
});
