import { idOf } from '../../../src/core/global-id';
import type { EntityManager } from 'typeorm';
import { holdTierRanking, rankSearchTiers, tiersInUse, type TierRanking } from '../../../src/modules/search';
import { totalsSql } from '../../../src/modules/search/search-facets';
import { parameters, searchWhere } from '../../../src/modules/search/search.rows';
import { SEARCH_GIN_INDEXES, SEARCH_GIN_PENDING_KB } from '../../../migrations/1764288500000-search-gin-pending';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { bruteForce, FACETS, flattenCategories, walk, type Node } from './search-walk';

/**
 * Popularity tiers (src/modules/search README "Bounded work"): beyond config.searchExactLimit, a search with words
 * ranks and counts matches of the most popular products (the smallest used tier with more than the limit), exact
 * by construction; at or under the limit, exact as before. A limit of 4 on the small seed (300 products): tier 1
 * is the 40 most popular searchable products, tier 2 (400) is not a proper part of the catalog and stays unused
 * (tier 2 is exercised by ranking for a limit of 2: tiers of 20 and 200, searched with the app's limit of 4).
 * Each test starts from the same state: every product's units sold ranked by product id, nothing tiered.
 */
const LIMIT = 4;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ searchExactLimit: LIMIT }, { seed: 'small' });
});
afterAll(() => t.stop());

const inTransactions = <T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> => t.app.dataSource.transaction(fn);
const rank = (limit = LIMIT): Promise<TierRanking | null> => rankSearchTiers(inTransactions, limit);
const tierOf = async (ids: string[]): Promise<Map<string, number>> => {
  const rows = await t.sql<{ id: string; tier: number }>('SELECT product_id AS id, tier FROM search_product WHERE product_id = ANY($1::uuid[])', [
    ids.map((id) => idOf(id, 'Product')!),
  ]);
  return new Map(rows.map((r) => [r.id, r.tier]));
};
const uuids = (nodes: Node[]) => nodes.map((n) => idOf(n.id, 'Product')!);
/** Every product's units sold: `n` by product id, with `popular` (product ids) far above all. */
async function setSales(popular: string[], others: 'ranked' | 'none' = 'ranked', except: string[] = []) {
  await t.sql(
    `UPDATE search_product sp SET sales_count = CASE WHEN sp.product_id = ANY($1::uuid[]) THEN 100000 + x.n
                                                     WHEN sp.product_id = ANY($3::uuid[]) OR NOT $2 THEN 0 ELSE x.n END
       FROM (SELECT product_id, row_number() OVER (ORDER BY product_id)::int AS n FROM search_product) x
      WHERE x.product_id = sp.product_id`,
    [popular, others === 'ranked', except],
  );
}

/**
 * The CTEs of the counting statement of `premium` (search.rows.ts candidatesSql) in which a scan of search_product
 * ran (EXPLAIN ANALYZE): `t1`, `t2` the tiers, `w` the full index, `b` beyond it. The small seed's table is small
 * enough for sequential scans, so the CTE, not the index, tells which source was read.
 */
async function sourcesRead(estimate: 'vocabulary' | string | null = null): Promise<string[]> {
  const { params, param } = parameters();
  const analyzed = searchWhere({ terms: ['premium'], normalized: 'premium', corrected: null, prefixLast: false }, {}, param);
  const [row] = await t.sql(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${totalsSql(analyzed.where, { facets: true, limit: LIMIT, estimate: estimate === 'vocabulary' ? analyzed.estimate : estimate })}`,
    params,
  );
  const read = new Set<string>();
  const visit = (node: any, cte: string | null) => {
    const name = /^CTE (\w+)$/.exec(node['Subplan Name'] ?? '')?.[1] ?? cte;
    if (name && node['Relation Name'] === 'search_product' && node['Actual Loops'] > 0) read.add(name);
    for (const child of node.Plans ?? []) visit(child, name);
  };
  visit(row['QUERY PLAN'][0].Plan, null);
  return [...read].sort();
}

async function answers(query: string, filter?: object) {
  const ranked = await walk(t, query, 'RELEVANCE', filter, 3);
  const { search } = await t.data(FACETS, { query, filter });
  return { ids: ranked.nodes.map((n) => n.id), nodes: ranked.nodes, totalCounts: ranked.totalCounts, search };
}

describe('search popularity tiers', () => {
  beforeEach(async () => {
    await setSales([]);
    // Ranked for the default limit (1,000: tier 1 would be 10,000 products): nothing tiered.
    await rank(1000);
  });

  it('uses only the full index when the catalog is no bigger than a tier (same answers)', async () => {
    const before = await answers('premium');
    expect(await rank(1000)).toEqual({
      moved: 0,
      batches: 1,
      tiers: [
        { tier: 1, products: expect.any(Number), used: false },
        { tier: 2, products: expect.any(Number), used: false },
      ],
    });
    expect(await t.sql('SELECT count(*)::int AS n FROM search_product WHERE tier <> 3')).toEqual([{ n: 0 }]);
    // The app's statements leave the tier walk out (and with it in, the statement itself skips the unused tiers: below).
    expect(await tiersInUse(t.app.dataSource)).toBe(false);
    expect(await answers('premium')).toEqual(before);
    expect(before.search.totalCountIsExact).toBe(false);
    // The full index's first LIMIT matches and the best sellers' walk; no tier.
    expect(await sourcesRead()).toEqual(['b', 'w']);
  });

  it('ranks and counts popular candidates beyond the limit when a tier has more than the limit of matches', async () => {
    const every = await walk(t, 'premium', 'PRICE_ASC');
    // Half of the word's matches in stock are best sellers (out of stock, popularity is halved): tier 1 holds them
    // (more than the limit), the other matches not.
    const half = every.nodes.filter((n) => n.inStock).filter((_, i) => i % 2 === 0);
    expect(half.length).toBeGreaterThan(LIMIT);
    await setSales(uuids(half));
    const ranked = await rank();
    expect(ranked!.tiers).toEqual([
      { tier: 1, products: 10 * LIMIT, used: true },
      { tier: 2, products: expect.any(Number), used: false },
    ]);
    expect(await tiersInUse(t.app.dataSource)).toBe(true);
    const tiers = await tierOf(every.nodes.map((n) => n.id));
    expect(half.every((n) => tiers.get(idOf(n.id, 'Product')!) === 1)).toBe(true);
    expect([...tiers.values()].filter((tier) => tier === 3).length).toBeGreaterThan(0);

    const { nodes, totalCounts, search } = await answers('premium');
    // The tier's first LIMIT matches: every candidate a best seller.
    expect(nodes).toHaveLength(LIMIT);
    const popular = new Set(half.map((n) => n.id));
    for (const n of nodes) expect(popular.has(n.id)).toBe(true);
    expect(new Set(totalCounts)).toEqual(new Set([LIMIT]));
    expect(search.totalCount).toBe(LIMIT);
    expect(search.totalCountIsExact).toBe(false);
    expect(search.facets.countsAreExact).toBe(false);
    const expected = bruteForce(nodes);
    expect(flattenCategories(search.facets.categories)).toEqual(expected.categories);
    expect(Object.fromEntries(search.facets.sellers.map((s: any) => [s.seller.id, s.count]))).toEqual(expected.sellers);
    expect(search.facets.priceRanges).toEqual(expected.priceRanges);
    expect(search.facets.inStock).toBe(expected.inStock);
    // Only tier 1 is read: not the full index (its bitmap of every match), nor the best sellers.
    expect(await sourcesRead()).toEqual(['t1']);
    // Tier 1 is never skipped while tier 2 is unused, whatever the estimate.
    expect(await sourcesRead('1')).toEqual(['t1']);
    // Counted alone, the same bound.
    const alone = await t.data(`{ search(query: "premium", first: 1) { totalCount totalCountIsExact } }`);
    expect(alone.search).toEqual({ totalCount: LIMIT, totalCountIsExact: false });
  });

  it('is exact at and under the limit, whether or not a tier holds every match', async () => {
    const every = await walk(t, 'premium', 'PRICE_ASC');
    for (const n of [1, LIMIT, LIMIT + 1]) {
      const filter = { priceMax: every.nodes[n - 1]!.priceRange!.min.amount };
      const matches = (await walk(t, 'premium', 'PRICE_ASC', filter)).nodes;
      expect(matches).toHaveLength(n);
      const { nodes, search } = await answers('premium', filter);
      expect(search.totalCountIsExact).toBe(n <= LIMIT);
      expect(search.facets.countsAreExact).toBe(n <= LIMIT);
      expect(search.totalCount).toBe(nodes.length);
      expect(flattenCategories(search.facets.categories)).toEqual(bruteForce(nodes).categories);
      if (n <= LIMIT) {
        expect(new Set(nodes.map((x) => x.id))).toEqual(new Set(matches.map((x) => x.id)));
        expect(search.facets.inStock).toBe(bruteForce(matches).inStock);
      } else {
        // The first LIMIT matches, and the tier's matches among the others.
        expect(nodes.length).toBeGreaterThanOrEqual(LIMIT);
        expect(nodes.length).toBeLessThanOrEqual(n);
      }
    }
  });

  it("falls back to the full index when no tier has more than the limit, with the tier's matches among the candidates", async () => {
    const every = await walk(t, 'premium', 'PRICE_ASC');
    // Two of the word's matches (in stock) are best sellers, its other matches sell nothing: tier 1 has 2 of them.
    const two = every.nodes.filter((n) => n.inStock).slice(-2);
    await setSales(uuids(two), 'ranked', uuids(every.nodes));
    await rank();
    const tiers = await tierOf(every.nodes.map((n) => n.id));
    expect([...tiers.values()].filter((tier) => tier === 1)).toHaveLength(2);

    const { ids, nodes, search } = await answers('premium');
    // Exactly LIMIT candidates: tier 1's two matches and the first LIMIT - 2 of the others.
    expect(ids).toEqual(expect.arrayContaining(two.map((n) => n.id)));
    expect(ids).toHaveLength(LIMIT);
    const matches = new Set(every.nodes.map((n) => n.id));
    for (const id of ids) expect(matches.has(id)).toBe(true);
    // Popularity is part of relevance: the two best sellers lead.
    expect(new Set(ids.slice(0, 2))).toEqual(new Set(two.map((n) => n.id)));
    expect(search.totalCount).toBe(ids.length);
    expect(search.totalCountIsExact).toBe(false);
    expect(search.facets.countsAreExact).toBe(false);
    expect(flattenCategories(search.facets.categories)).toEqual(bruteForce(nodes).categories);
    // Tier 1 (2 matches), then the full index for the others (tier 1's read once), no best sellers' walk.
    expect(await sourcesRead()).toEqual(['t1', 'w']);
  });

  it('falls back to the full index with tier 2 skipped-to (tier 1 left out by the estimate): tier 2 beyond it, no best sellers', async () => {
    const every = await walk(t, 'premium', 'PRICE_ASC');
    // Ranked for a limit of 2 (tiers of 20 and 200, both used): only two of the word's matches sell, so both tiers
    // hold those two and no other.
    const two = every.nodes.filter((n) => n.inStock).slice(-2);
    await setSales(uuids(two), 'ranked', uuids(every.nodes));
    expect((await rank(2))!.tiers.map((tier) => tier.used)).toEqual([true, true]);
    const tiers = await tierOf(every.nodes.map((n) => n.id));
    expect([...tiers.values()].filter((tier) => tier <= 2)).toHaveLength(2);
    // Walked from tier 1, or from tier 2 (an estimate of 1 match): then the full index, and beyond it tier 2's matches.
    expect(await sourcesRead()).toEqual(['t1', 't2', 'w']);
    expect(await sourcesRead('1')).toEqual(['t2', 'w']);
  });

  it('serves a word from tier 2 when tier 1 has no more than the limit of its matches and tier 2 has more', async () => {
    const every = await walk(t, 'premium', 'PRICE_ASC');
    const matches = uuids(every.nodes);
    // Ranked for a limit of 2: tier 1 the 20 most popular, tier 2 the 200 (a proper part of the catalog). Two of the
    // word's matches and 18 other products in stock are the best sellers: tier 1 holds 2 of its matches.
    const two = uuids(every.nodes.filter((n) => n.inStock).slice(0, 2));
    const others = await t.sql<{ id: string }>(
      'SELECT product_id AS id FROM search_product WHERE searchable AND in_stock AND NOT product_id = ANY($1::uuid[]) ORDER BY product_id LIMIT 18',
      [matches],
    );
    await setSales([...two, ...others.map((r) => r.id)]);
    expect((await rank(2))!.tiers).toEqual([
      { tier: 1, products: 20, used: true },
      { tier: 2, products: 200, used: true },
    ]);
    const tiers = await tierOf(every.nodes.map((n) => n.id));
    const inTier = (n: number) => [...tiers].filter(([, tier]) => tier <= n).map(([id]) => id);
    expect(inTier(1).sort()).toEqual([...two].sort());
    expect(inTier(2).length).toBeGreaterThan(LIMIT);

    const { nodes, totalCounts, search } = await answers('premium');
    // Tier 2's first LIMIT matches, each one of the 200 most popular.
    expect(nodes).toHaveLength(LIMIT);
    const tier2 = new Set(inTier(2));
    for (const n of nodes) expect(tier2.has(idOf(n.id, 'Product')!)).toBe(true);
    expect(new Set(totalCounts)).toEqual(new Set([LIMIT]));
    expect(search.totalCount).toBe(LIMIT);
    expect(search.totalCountIsExact).toBe(false);
    expect(search.facets.countsAreExact).toBe(false);
    expect(flattenCategories(search.facets.categories)).toEqual(bruteForce(nodes).categories);
    // Tier 1 (2 matches: not enough), then tier 2; not the full index.
    expect(await sourcesRead()).toEqual(['t1', 't2']);
    // Where the words' estimate says tier 1 holds under half the limit of their matches (TIER_SKIP_MARGIN: here
    // under 2 × 300 / 20 = 30 in the catalog), the walk starts at tier 2; a larger estimate starts at tier 1.
    expect(await sourcesRead('29')).toEqual(['t2']);
    expect(await sourcesRead('30')).toEqual(['t1', 't2']);
    // The vocabulary's estimate for the word (its products in titles) against the same rule.
    const [{ products }] = await t.sql<{ products: number }>(`SELECT max(doc_count) AS products FROM search_vocabulary WHERE word = 'premium'`);
    const catalog = Number((await t.sql(`SELECT reltuples FROM pg_class WHERE oid = 'search_product'::regclass`))[0].reltuples);
    expect(await sourcesRead('vocabulary')).toEqual(products * 20 * 2 < LIMIT * catalog ? ['t2'] : ['t1', 't2']);
  });

  it('moves the rows in batches, each its own transaction, until a batch moves fewer than its size', async () => {
    // Nothing tiered (beforeEach): a ranking for LIMIT moves the 40 most popular into tier 1, 7 rows a batch.
    const committed: number[] = [];
    const writer = t.app.dataSource.createQueryRunner();
    await writer.connect();
    try {
      const ranked = await rankSearchTiers(
        async (fn) => {
          const batch = await t.app.dataSource.transaction(fn);
          // Between two batches another connection locks every row moved so far without waiting (NOWAIT fails at
          // once on a held row): each batch's rows are committed and released before the next batch starts.
          await writer.startTransaction();
          const [{ n }] = await writer.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM search_product WHERE tier = 1 FOR NO KEY UPDATE NOWAIT) x`);
          await writer.commitTransaction();
          committed.push(n);
          return batch;
        },
        LIMIT,
        { batchRows: 7 },
      );
      expect(ranked).toEqual({ moved: 10 * LIMIT, batches: 6, tiers: expect.any(Array) });
      expect(committed).toEqual([7, 14, 21, 28, 35, 40]);
    } finally {
      await writer.release();
    }
    const top = await t.sql<{ id: string }>(
      `SELECT product_id AS id FROM search_product WHERE searchable ORDER BY popularity DESC, product_id DESC LIMIT ${10 * LIMIT}`,
    );
    const tier1 = await t.sql<{ id: string }>('SELECT product_id AS id FROM search_product WHERE tier = 1');
    expect(tier1.map((r) => r.id).sort()).toEqual(top.map((r) => r.id).sort());
    expect(await rank()).toMatchObject({ moved: 0, batches: 1 });
  });

  it('stops between batches when asked, and the next ranking finishes (searches exact meanwhile)', async () => {
    const stopped = await rankSearchTiers(inTransactions, LIMIT, { batchRows: 7, stopped: () => true });
    expect(stopped).toMatchObject({ moved: 7, batches: 1, tiers: [{ tier: 1, used: true }, { tier: 2, used: false }] });
    expect(await t.sql('SELECT count(*)::int AS n FROM search_product WHERE tier = 1')).toEqual([{ n: 7 }]);
    // Tier 1 is marked used with 7 of its 40 rows: a search it cannot serve (at most LIMIT matches there) reads the
    // full index, and one it serves is exact by construction.
    const every = new Set((await walk(t, 'premium', 'PRICE_ASC')).nodes.map((n) => n.id));
    expect(every.size).toBeGreaterThan(LIMIT);
    const { ids, search } = await answers('premium');
    expect(ids.length).toBeGreaterThanOrEqual(LIMIT);
    for (const id of ids) expect(every.has(id)).toBe(true);
    expect(search.totalCount).toBe(ids.length);
    expect(search.totalCountIsExact).toBe(false);
    expect(await rank()).toMatchObject({ moved: 10 * LIMIT - 7 });
    expect(await t.sql('SELECT count(*)::int AS n FROM search_product WHERE tier = 1')).toEqual([{ n: 10 * LIMIT }]);
  });

  it('moves products between tiers as their popularity changes, writing only the rows whose tier changes', async () => {
    await rank();
    expect(await rank()).toMatchObject({ moved: 0 });
    const tier1 = await t.sql<{ id: string; sales: number }>(
      'SELECT product_id AS id, sales_count AS sales FROM search_product WHERE tier = 1 ORDER BY popularity, product_id',
    );
    expect(tier1).toHaveLength(10 * LIMIT);
    const [outside] = await t.sql<{ id: string }>('SELECT product_id AS id FROM search_product WHERE searchable AND tier = 3 ORDER BY product_id LIMIT 1');
    await t.sql('UPDATE search_product SET sales_count = 1000000 WHERE product_id = $1', [outside!.id]);
    const versions = async () =>
      new Map((await t.sql<{ id: string; v: string }>('SELECT product_id AS id, xmin::text AS v FROM search_product')).map((r) => [r.id, r.v]));
    const before = await versions();

    expect(await rank()).toMatchObject({ moved: 2 });
    const after = await versions();
    const written = [...after].filter(([id, v]) => before.get(id) !== v).map(([id]) => id);
    // The product that entered tier 1 and the least popular one it pushed out: nothing else.
    const pushedOut = tier1.find((r) => r.id !== outside!.id)!;
    expect(written.sort()).toEqual([outside!.id, pushedOut.id].sort());
    const [entered] = await t.sql('SELECT tier FROM search_product WHERE product_id = $1', [outside!.id]);
    const [left] = await t.sql('SELECT tier FROM search_product WHERE product_id = $1', [pushedOut.id]);
    expect([entered.tier, left.tier]).toEqual([1, 3]);
    expect(await rank()).toMatchObject({ moved: 0 });

    // A product no longer searchable leaves its tier.
    await t.sql('UPDATE search_product SET searchable = false WHERE product_id = $1', [outside!.id]);
    expect(await rank()).toMatchObject({ moved: 2 });
    expect(await t.sql('SELECT tier FROM search_product WHERE product_id = $1', [outside!.id])).toEqual([{ tier: 3 }]);
    await t.sql('UPDATE search_product SET searchable = true, sales_count = 0 WHERE product_id = $1', [outside!.id]);
  });

  it('skips a row a writer holds (never waits on it) and moves it on the next ranking', async () => {
    await rank();
    const [outside] = await t.sql<{ id: string }>('SELECT product_id AS id FROM search_product WHERE searchable AND in_stock AND tier = 3 ORDER BY product_id DESC LIMIT 1');
    await t.sql('UPDATE search_product SET sales_count = 2000000 WHERE product_id = $1', [outside!.id]);
    const tierNow = async () => (await t.sql('SELECT tier FROM search_product WHERE product_id = $1', [outside!.id]))[0].tier;
    const writer = t.app.dataSource.createQueryRunner();
    await writer.connect();
    try {
      await writer.startTransaction();
      await writer.query('SELECT 1 FROM search_product WHERE product_id = $1 FOR NO KEY UPDATE', [outside!.id]);
      // The product it pushes out of tier 1 moves; the held one does not, and the ranking did not wait for it.
      expect(await rank()).toMatchObject({ moved: 1 });
      expect(await tierNow()).toBe(3);
      await writer.rollbackTransaction();
    } finally {
      await writer.release();
    }
    expect(await rank()).toMatchObject({ moved: 1 });
    expect(await tierNow()).toBe(1);
    await t.sql('UPDATE search_product SET sales_count = 0 WHERE product_id = $1', [outside!.id]);
  });

  it("keeps every GIN index of search_product's pending list bounded (a search reads all of it), and the tier job's moves within it", async () => {
    const gin = await t.sql<{ name: string; options: string[] | null }>(
      `SELECT c.relname AS name, c.reloptions AS options
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
        WHERE i.indrelid = 'search_product'::regclass AND a.amname = 'gin' ORDER BY 1`,
    );
    expect(gin.map((i) => i.name)).toEqual([...SEARCH_GIN_INDEXES].sort());
    for (const index of gin) expect(index.options).toContain(`gin_pending_list_limit=${SEARCH_GIN_PENDING_KB}`);
    // A ranking that moves rows into both tiers (new entries in each index) leaves no more than the limit pending.
    const moved = await rank(2);
    expect(moved!.moved).toBeGreaterThan(0);
    for (const { name } of gin) {
      const [{ pages }] = await t.sql<{ pages: string }>('SELECT gin_clean_pending_list($1::regclass) AS pages', [name]);
      expect(Number(pages) * 8).toBeLessThanOrEqual(SEARCH_GIN_PENDING_KB);
    }
  });

  it("runs the app's statements without JIT compiling (the tier walk's estimate would cross jit_above_cost at 1M products)", async () => {
    expect(await t.sql("SELECT current_setting('jit') AS setting")).toEqual([{ setting: 'off' }]);
  });

  it('lets one ranking run at a time', async () => {
    const qr = t.app.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      expect(await rankSearchTiers((fn) => fn(qr.manager), LIMIT)).not.toBeNull();
      expect(await rank()).toBeNull();
      await qr.rollbackTransaction();
      expect(await rank()).not.toBeNull();
    } finally {
      await qr.release();
    }
  });

  it("keeps other rankings out of a transaction that holds the ranking (the seed's), its own ranking still runs", async () => {
    const qr = t.app.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await holdTierRanking(qr.manager);
      // Another process's tier job (an app started beside the seed) stops at once, before any batch.
      expect(await rank()).toBeNull();
      expect(await rankSearchTiers((fn) => fn(qr.manager), LIMIT)).toMatchObject({ moved: 10 * LIMIT });
      expect(await rank()).toBeNull();
      await qr.commitTransaction();
      expect(await rank()).toMatchObject({ moved: 0 });
    } finally {
      await qr.release();
    }
  });
});
