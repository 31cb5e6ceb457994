import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { requireAdmin } from '../../auth/guards';
import type { SearchInsightsArgs } from './search.inputs';
import type { SearchInsights } from './search.type';

/**
 * Bounds of the operator's search statistics: distinct queries kept per day (later new ones are counted
 * under OTHER_QUERIES), and days kept. Queries are stored normalized (folded words, at most 8 of 40
 * letters), never with who searched.
 */
export const MAX_QUERIES_PER_DAY = 10_000;
export const KEEP_DAYS = 90;
export const OTHER_QUERIES = '(other)';

/** Counts still being written, per app (its DataSource): searchInsights waits for them. */
const pendingByApp = new WeakMap<object, Set<Promise<void>>>();

/**
 * Counts one search (its first page) under today's normalized query, after the answer: a search does
 * not wait for its statistics (a failure is logged). An empty query is not a search.
 */
export function recordSearchLater(ctx: Context, normalized: string, zeroResults: boolean): void {
  if (!normalized) return;
  let pending = pendingByApp.get(ctx.db);
  if (!pending) {
    pending = new Set();
    pendingByApp.set(ctx.db, pending);
  }
  const write: Promise<void> = recordSearch(ctx, normalized, zeroResults)
    .catch((err: unknown) => ctx.log.warn({ err }, 'search statistics not recorded'))
    .finally(() => pending.delete(write));
  pending.add(write);
}

async function recordSearch(ctx: Context, normalized: string, zeroResults: boolean): Promise<void> {
  const [row]: { inserted: boolean }[] = await ctx.db.query(
    // Statistics may lose their last moments in a crash: this statement's transaction commits without
    // waiting for the WAL flush (synchronous_commit off for it alone), so a search never waits on a disk.
    `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)), open AS (
       SELECT coalesce((SELECT queries FROM search_query_day_count WHERE day = current_date), 0) < ${MAX_QUERIES_PER_DAY}
           OR EXISTS (SELECT 1 FROM search_query_day WHERE day = current_date AND query = $1) AS open
     )
     INSERT INTO search_query_day AS d (day, query, searches, zero_results)
     SELECT current_date, CASE WHEN open THEN $1 ELSE '${OTHER_QUERIES}' END, 1, $2::int FROM open, relaxed
     ON CONFLICT (day, query) DO UPDATE SET searches = d.searches + 1, zero_results = d.zero_results + excluded.zero_results
     RETURNING xmax = 0 AS inserted`,
    [normalized, zeroResults ? 1 : 0],
  );
  if (!row?.inserted) return;
  // A new query of the day: count it against the day's bound, and let the oldest days go.
  await ctx.db.query(
    `WITH counted AS (
       INSERT INTO search_query_day_count AS c (day, queries) VALUES (current_date, 1)
       ON CONFLICT (day) DO UPDATE SET queries = c.queries + 1
     ), old AS (DELETE FROM search_query_day_count WHERE day < current_date - ${KEEP_DAYS})
     DELETE FROM search_query_day WHERE day < current_date - ${KEEP_DAYS}`,
  );
}

/** `searchInsights`, the operator's only: top and zero-result queries of the last `days` days. */
export async function searchInsights(ctx: Context, { days, first }: SearchInsightsArgs): Promise<SearchInsights> {
  requireAdmin(ctx.viewer);
  await Promise.all(pendingByApp.get(ctx.db) ?? []);
  if (!Number.isInteger(days) || days < 1 || days > KEEP_DAYS) throw badInput(`days must be between 1 and ${KEEP_DAYS}.`, 'days');
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be between 1 and 100.', 'first');
  const list = (having: string) =>
    ctx.db.query(
      `SELECT query, sum(searches)::int AS searches, sum(zero_results)::int AS "zeroResultSearches"
         FROM search_query_day WHERE day > current_date - $1::int
        GROUP BY query ${having}
        ORDER BY ${having ? '"zeroResultSearches"' : 'searches'} DESC, query LIMIT $2`,
      [days, first],
    );
  const [topQueries, zeroResultQueries] = await Promise.all([list(''), list('HAVING sum(zero_results) > 0')]);
  return { topQueries, zeroResultQueries };
}
