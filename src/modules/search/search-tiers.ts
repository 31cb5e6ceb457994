import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { guest } from '../../auth/viewer';
import { createContext, type AppServices } from '../../core/context';
import { startPeriodicTask } from '../../core/periodic-task';
import { withTransaction } from '../../db/transaction';

/**
 * The popularity tiers' sizes in exact limits (README "Bounded work"; the partial indexes of migration
 * 1764286000000 hold tiers 1 and 2): tier 1 the 10 × limit most popular searchable products, tier 2 the
 * 100 × limit. A word is served by the smallest tier where it has more than `limit` matches, so the tier's bitmap
 * holds at most ~10 × limit of them whatever the catalog's size (a word of 1 match in 10 passes tier 1 by).
 */
export const TIER_SIZES: readonly [number, number] = [10, 100];

/**
 * One batch, one statement: the `size2 + 1` most popular searchable products (a walk of search_product_popularity_idx:
 * bounded by the tiers, not the catalog; ties by product id), each one's tier (a tier is used only when the walk found
 * a product beyond it: a proper part of the catalog; otherwise its rows stay tier 3 and searches use the full index),
 * the rows now in a tier (search_product_tiered_idx), and of the rows whose tier changes (the only rows written) the
 * first `$3` by product id, with the tiers' sizes in the same statement (one snapshot: a search reads the tiers and
 * their `used` flags together). The rows are locked in product order, skipping those a writer holds (a sale's
 * transaction updates the same rows: the job never waits on one, so it can never deadlock a checkout); a skipped row
 * moves on the next ranking. A batch is its own short transaction (a checkout's search_product_sync and popularity
 * trigger wait on the rows it holds, the most popular products, until it commits): the first ranking at 1M products
 * had locked all 100k of them for 3.4 s in one statement. Each batch walks the tiers again (what it moves is
 * what popularity says now).
 * A search stays exact while a ranking is half done (between batches, or after a stopped one): a tier serves a search
 * only when it has more than `limit` real matches, and a tier's matches are always part of the whole result, whatever
 * its size or its rows' state.
 * What moves a product between tiers is its stored popularity (sales, likes, ratings, stock).
 */
const RANK_SQL = `
WITH top AS MATERIALIZED (
       SELECT t.product_id, row_number() OVER (ORDER BY t.popularity DESC, t.product_id DESC) AS n
         FROM (SELECT product_id, popularity FROM search_product WHERE searchable
                ORDER BY popularity DESC, product_id DESC LIMIT $2::int + 1) t),
     walked AS (SELECT count(*) AS n FROM top),
     wanted AS (SELECT t.product_id, CASE WHEN t.n <= $1::int AND w.n > $1::int THEN 1 WHEN t.n <= $2::int AND w.n > $2::int THEN 2 ELSE 3 END AS tier
                  FROM top t, walked w),
     tiered AS (SELECT product_id, tier FROM search_product WHERE tier IN (1, 2)),
     changed AS (SELECT coalesce(w.product_id, t.product_id) AS product_id, coalesce(w.tier, 3) AS tier
                   FROM (SELECT * FROM wanted WHERE tier < 3) w FULL JOIN tiered t ON t.product_id = w.product_id
                  WHERE coalesce(w.tier, 3) <> coalesce(t.tier, 3)),
     locked AS (SELECT sp.product_id, c.tier FROM search_product sp JOIN changed c ON c.product_id = sp.product_id
                 ORDER BY sp.product_id LIMIT $3::int FOR NO KEY UPDATE OF sp SKIP LOCKED),
     moved AS (UPDATE search_product sp SET tier = l.tier FROM locked l
                WHERE sp.product_id = l.product_id AND sp.tier <> l.tier RETURNING sp.tier),
     sizes AS (INSERT INTO search_tier AS st (tier, products, used, ranked_at)
               SELECT x.tier, least(w.n, x.size), w.n > x.size, now() FROM walked w, (VALUES (1, $1::int), (2, $2::int)) x(tier, size)
               ON CONFLICT (tier) DO UPDATE SET products = EXCLUDED.products, used = EXCLUDED.used, ranked_at = EXCLUDED.ranked_at
               RETURNING st.tier, st.products, st.used)
SELECT (SELECT count(*)::int FROM moved) AS moved,
       (SELECT json_agg(json_build_object('tier', s.tier, 'products', s.products, 'used', s.used) ORDER BY s.tier) FROM sizes s) AS tiers`;

/** The most rows one batch of a ranking moves (and so holds locked until its commit). */
export const RANK_BATCH_ROWS = 1000;

/** How long an app trusts what it read of search_tier before reading it again (in the background). */
const TIERS_IN_USE_TTL_MS = 30_000;
const tiersInUseByApp = new WeakMap<DataSource, { used: Promise<boolean>; readAt: number }>();

export interface TierRanking {
  /** Rows whose tier changed (the only rows written). */
  moved: number;
  /** Transactions it took (one per batch). */
  batches: number;
  tiers: { tier: number; products: number; used: boolean }[];
}

/** Runs `fn` in a transaction: a new one per call (the tier job), or the caller's own for every call (the seed). */
export type InTransactions = <T>(fn: (tx: EntityManager) => Promise<T>) => Promise<T>;

export interface RankOptions {
  /** The most rows a batch moves (RANK_BATCH_ROWS). */
  batchRows?: number;
  /** Checked between batches (the periodic task's stop): a stopped ranking is finished by the next one. */
  stopped?: () => boolean;
}

/**
 * Ranks the searchable products into tiers for an exact limit of `limit` (config.searchExactLimit): batches of at
 * most `batchRows` moved rows, each in its own `inTransaction` call, until a batch moves fewer (or `stopped()`).
 * One batch at a time across processes (a transaction advisory lock per batch: two would update the same rows); a
 * caller that finds it held stops there (the other ranking moves the same rows), with null if it had moved nothing.
 * Returns what the batches moved and the tiers' sizes as the last one wrote them.
 */
export async function rankSearchTiers(
  inTransaction: InTransactions,
  limit: number,
  { batchRows = RANK_BATCH_ROWS, stopped = () => false }: RankOptions = {},
): Promise<TierRanking | null> {
  let moved = 0;
  let tiers: TierRanking['tiers'] = [];
  for (let batches = 1; ; batches++) {
    const batch = await inTransaction((tx) => rankBatch(tx, limit, batchRows));
    // Another process holds the lock: it finishes the ranking (what this one moved stays moved).
    if (!batch) return batches === 1 ? null : { moved, batches: batches - 1, tiers };
    moved += batch.moved;
    tiers = batch.tiers;
    if (batch.moved < batchRows || stopped()) return { moved, batches, tiers };
  }
}

/** The lock one ranking batch holds (a transaction advisory lock): one batch at a time across processes. */
const RANKING_LOCK = `hashtext('search_tier')`;

/**
 * Takes the ranking's lock for the rest of `tx` (waiting for a batch under way to commit): until `tx` ends, every
 * other process's ranking stops at its first batch (rankSearchTiers returns null there), and a ranking in `tx` itself
 * still runs (the lock is the same session's). For the seed, whose transaction holds search_product (its indexes
 * dropped and rebuilt: an exclusive lock) for minutes: the app's tier job, started with the app and due every
 * 300 s, had taken the lock during the 1M seed (370 s), waited there on the table, and so made the seed's own ranking
 * give way to it; then that job's app stopped after one batch, and the 1M bench database was left with 1,000 of its
 * 110,000 tiered rows (every search there reading the full index or a tier-2 index of 1,000 rows).
 */
export async function holdTierRanking(tx: EntityManager): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${RANKING_LOCK})`);
}

async function rankBatch(tx: EntityManager, limit: number, batchRows: number): Promise<Omit<TierRanking, 'batches'> | null> {
  const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock(${RANKING_LOCK}) AS locked`);
  if (!locked) return null;
  const [row] = (await tx.query(RANK_SQL, [TIER_SIZES[0] * limit, TIER_SIZES[1] * limit, batchRows])) as TierRanking[];
  // This app's searches see the new tiers at once (other processes within tiersInUse's 30 s). Before the commit,
  // harmlessly: either answer is exact (tiersInUse).
  tiersInUseByApp.set(tx.connection, { used: Promise.resolve(row!.tiers.some((tier) => tier.used)), readAt: Date.now() });
  return row!;
}

/**
 * The tier job (background.ts): every `intervalMs` it ranks the products again, in batches (rankSearchTiers), and
 * stops between two when the app stops. Its reads per batch are bounded by the tiers' sizes (100 × limit + the rows
 * now tiered); its writes by the products whose popularity moved them across a tier's edge. The seed ranks once at
 * its end (seed.ts).
 */
export function startSearchTiers(app: AppServices, { intervalMs }: { intervalMs: number }): { stop(): Promise<void> } {
  const round = async (stopped: () => boolean): Promise<TierRanking | null> => {
    const ctx = createContext(app, guest, `search-tiers-${randomUUID()}`);
    const ranked = await rankSearchTiers((fn) => withTransaction(ctx, (ctx) => fn(ctx.tx)), app.config.searchExactLimit, { stopped });
    if (ranked?.moved) app.log.info(ranked, 'search tiers ranked');
    return ranked;
  };
  const task = startPeriodicTask({ name: 'search tiers', intervalMs, log: app.log, round, failed: null });
  return { stop: task.stop };
}

/**
 * Whether some tier is in use, as this app last read it (search_tier, at most every 30 s; a stale answer is given
 * while the new one is read). With none in use (a catalog no bigger than tier 1: at 5k products with the default
 * limit) a search's statements leave the tier walk out altogether: its CTEs, never run there, still cost the executor
 * their setup on every execution (bench:growth at 5k, database CPU per search 2.2–2.4 → 2.5–2.6 ms). A stale answer
 * is never wrong, only slower: with the walk left out a search reads the full index as before the tiers, and with it
 * in, the statement reads search_tier itself and skips an unused tier.
 */
export function tiersInUse(db: DataSource): Promise<boolean> {
  const known = tiersInUseByApp.get(db);
  const now = Date.now();
  if (known && now - known.readAt < TIERS_IN_USE_TTL_MS) return known.used;
  const used = db
    .query('SELECT coalesce(bool_or(used), false) AS used FROM search_tier')
    .then((rows: { used: boolean }[]) => rows[0]!.used);
  const entry = { used, readAt: now };
  tiersInUseByApp.set(db, entry);
  // Forgotten when it failed, unless a ranking has set a newer answer meanwhile.
  used.catch(() => tiersInUseByApp.get(db) === entry && tiersInUseByApp.delete(db));
  // While the new answer is read, the last one (if any).
  return known ? known.used : used;
}
