import { badInput } from '../../core/errors';
import { requireIdOf } from '../../core/global-id';
import { categoriesUnderSql } from '../catalog';
import type { SearchFilter } from './search.inputs';
import type { AnalyzedQuery } from './search-query';
import { matchEstimateSql, tsquerySql } from './search-query';
import { AFFINITY_WEIGHT, affinitySql } from './search-affinity';

/** Adds a value to a statement's parameters and returns its placeholder. */
export type Param = (value: unknown) => string;

export function parameters(): { params: unknown[]; param: Param } {
  const params: unknown[] = [];
  return { params, param: (value) => `$${params.push(value)}` };
}

/**
 * The WHERE clause of a search over `search_product sp` (its rows that match the words and the filters)
 * and the tsquery it matches, shared by the page, the count and the facets so that they always agree.
 */
export function searchWhere(
  query: AnalyzedQuery,
  filter: SearchFilter,
  param: Param,
): { where: string[]; tsquery: string | null; estimate: string | null } {
  const where = ['sp.searchable'];
  const placeholders = new Map<unknown, string>();
  const tsquery = tsquerySql(query, (value) => {
    const placeholder = param(value);
    placeholders.set(value, placeholder);
    return placeholder;
  });
  // Where the tier walk starts (candidatesSql `estimate`): the words' estimated matches, before the filters narrow them.
  const estimate = tsquery ? matchEstimateSql(query, (term) => placeholders.get(term)!) : null;
  if (tsquery) where.push(`${TEXT_MATCH}(${tsquery})`);
  if (filter.category) {
    const categoryId = requireIdOf(filter.category, 'Category', 'filter.category');
    where.push(`sp.category_id IN (${categoriesUnderSql(`ARRAY[${param(categoryId)}]::uuid[]`)})`);
  }
  if (filter.seller) where.push(`sp.seller_ids @> ARRAY[${param(requireIdOf(filter.seller, 'Seller', 'filter.seller'))}]::uuid[]`);
  if (filter.priceMin != null && filter.priceMax != null && filter.priceMin > filter.priceMax) {
    throw badInput('priceMin must not exceed priceMax.', 'filter.priceMin');
  }
  if (filter.priceMin != null) where.push(`sp.min_price >= ${param(filter.priceMin)}`);
  if (filter.priceMax != null) where.push(`sp.min_price <= ${param(filter.priceMax)}`);
  if (filter.condition) where.push(`sp.conditions @> ARRAY[${param(filter.condition)}]::text[]`);
  if (filter.minRating != null) {
    if (!(filter.minRating >= 1 && filter.minRating <= 5)) throw badInput('minRating must be between 1 and 5.', 'filter.minRating');
    where.push(`sp.rating_average >= ${param(filter.minRating)}`);
  }
  if (filter.inStock != null) where.push(filter.inStock ? 'sp.in_stock' : 'NOT sp.in_stock');
  return { where, tsquery, estimate };
}

const TEXT_MATCH = 'sp.document @@ ';

/**
 * `where` with the tsquery as a scalar subquery, an InitPlan computed once per execution, for every scan of the
 * candidates (candidatesSql). For rows tested one by one (the best sellers' walk, `b` below): a prepared
 * statement's generic plan (search-prepared.ts) does not fold `to_tsquery($1)` to a constant, so the plain clause
 * called to_tsquery three times per walked row (`premium`'s counts beyond the limit, 2,000 rows walked: 17.5 ms
 * against 13.6 unnamed). For the index scans (a GIN index condition takes the InitPlan's value at run time): with
 * the words visible, a custom plan of a two-word query looked cheaper than the generic plan (it estimates the words'
 * few common matches), so PostgreSQL planned those statements anew on every run: `running shoes`' page and counts in
 * one statement 5.9 → 3.5 ms at 1M products (best of 15, prepared), the one-word queries' as before. The
 * explicit sorts' pages (unnamed, custom plans) keep the plain clause: their plans depend on the words' frequency.
 */
function initPlanWhere(where: string[]): string[] {
  return where.map((clause) => (clause.startsWith(TEXT_MATCH) ? `${TEXT_MATCH}(SELECT ${clause.slice(TEXT_MATCH.length)})` : clause));
}

/**
 * Best sellers walked for candidates beyond the exact limit when the catalog has no popularity tier (a catalog no
 * bigger than 10 × the limit, or a search without words): a fifth of the limit.
 */
export const bestSellerWalk = (limit: number): number => Math.max(1, Math.floor(limit / 5));

/** Tier 1 is skipped when the words' estimated matches in it are under limit / TIER_SKIP_MARGIN (candidatesSql). */
export const TIER_SKIP_MARGIN = 2;

/**
 * A search's candidates (README "Bounded work") with `columns` of `search_product sp`, for the page and the
 * counts alike so that the ranking and the counts see the same products: `ctes` to put in a WITH, the candidates
 * in `parts` to read FROM (each with the columns), and `beyond`, SQL true when the search has more than `limit`
 * matches (the candidates are then `limit` of them and their counts lower bounds).
 *
 * The tier walk, for a search with words (the tiers' partial GIN indexes answer only a text match):
 * - `t1`, `t2`: the matches among the products of tier 1 (the 10 × limit most popular searchable products), then
 *   of tier 2 (100 × limit), each a MATERIALIZED CTE (the partial index's bitmap, read lazily) run only when the
 *   tier is used (search_tier.used: a proper part of the catalog) and no smaller tier served (one-time filters on
 *   InitPlans: a skipped tier costs nothing). `h1`, `h2`: whether the tier has more than `limit` matches (it reads
 *   at most `limit` + 1 of them). If so, the whole result has more than `limit` (a tier is part of the catalog):
 *   the tier's first `limit` matches are the candidates, every one a popular product, and nothing else is read.
 * - otherwise the full index, as without tiers, its popular matches first (below).
 *
 * The full index (run only when no tier served):
 * - `p`: the popular matches, those of the largest used tier (all of them, already read: it had at most `limit`);
 *   empty when no tier is used. `room`: what is left of the limit after them.
 * - `w`: the other matches (`sp.tier` above that tier's), planned for the whole result (a MATERIALIZED CTE is
 *   planned on its own: the GIN bitmap scan) but read lazily, only as far as its readers pull: at most `room` + 1
 *   rows of the heap. (A LIMIT in the scan's own query made PostgreSQL choose a sequential scan for `premium`, whose
 *   matches it overestimates threefold: 71 ms against 7 for the bitmap scan.)
 * - `more`: whether `w` has more than `room` rows (one row past it), i.e. the search more than `limit` matches.
 * - `b`: only then, and only with no tier used, the matches among the `bestSellerWalk(limit)` best-selling
 *   searchable products that are not among `w`'s first (a walk of search_product_sales_idx). Popularity is part of
 *   relevance, so the likeliest winners are ranked even when the index yields them late.
 * - its parts: `p`, `w`'s first `room` rows (with `p`: every match up to the limit; beyond it, exactly `limit`
 *   candidates), then `b` (empty up to the limit, and with a tier used). Until stop 28, `w` was every match and the
 *   popular ones came beyond the limit on top of its first `limit`: up to 2 × `limit` candidates, the popular read
 *   twice (bench/RESULTS.md section `search-room`).
 *
 * `tiers` false (no tier in use: search-tiers.ts tiersInUse) leaves the tier walk out: the full index only, `p`
 * empty and `room` the limit.
 * `estimate` (SQL, searchWhere's): the words' estimated matches in the catalog, which may start the walk at tier 2.
 *
 * `reached` (SQL of the cap of the first part of `w`, default true): false only when the first part is known to
 * hold fewer rows than its cap, e.g. a count the reader already made of it (`before`: CTEs over that part, placed
 * ahead of `more`). `more`'s EXISTS is an InitPlan, run when first needed, and AND stops at false: the re-read of
 * the stored rows (the last part of the exactness check) is then skipped. Up to the limit, nearly every search.
 *
 * Readers aggregate (or take their top rows of) each part and then merge the few rows that come out, rather
 * than reading a UNION of the parts: a union's nodes on every match cost ~1.5 ms for `lampara` (6k matches,
 * below the limit; page 6.5 → 8.1 ms). Read twice, a CTE is read from its stored rows the second time.
 */
export function candidatesSql(
  where: string[],
  columns: string,
  limit: number,
  {
    reached = () => 'true',
    before,
    tiers = true,
    estimate = null,
  }: { reached?: (cap: string) => string; before?: (first: string) => string; tiers?: boolean; estimate?: string | null } = {},
): { ctes: string; first: string; parts: string[]; beyond: string } {
  const scanned = initPlanWhere(where).join(' AND ');
  const walked = `SELECT ${columns}
       FROM (SELECT * FROM search_product sp WHERE sp.searchable ORDER BY sp.sales_count DESC, sp.product_id DESC LIMIT ${bestSellerWalk(limit)}) sp
      WHERE ${scanned}`;
  const fullIndex = (cap: string, notTiered: string) => {
    const first = `(SELECT * FROM w LIMIT ${cap})`;
    return {
      first,
      ctes: `${before ? `${before(first)},\n     ` : ''}more AS (SELECT ${reached(cap)} AND EXISTS (SELECT 1 FROM w OFFSET ${cap}) AS more),
     b AS MATERIALIZED (SELECT * FROM (${walked}${notTiered}) sp WHERE sp.product_id NOT IN (SELECT w.product_id FROM ${first} w))`,
    };
  };
  if (!tiers || !where.some((clause) => clause.startsWith(TEXT_MATCH))) {
    const full = fullIndex(`${limit}`, '');
    return {
      ctes: `w AS MATERIALIZED (SELECT ${columns} FROM search_product sp WHERE ${scanned}),
     ${full.ctes}`,
      first: full.first,
      parts: [full.first, '(SELECT * FROM b WHERE (SELECT more FROM more))'],
      beyond: '(SELECT more FROM more)',
    };
  }
  const used = (tier: number) => `(SELECT tu.u${tier} FROM tu)`;
  const served = (tier: number) => `(SELECT h${tier}.served FROM h${tier})`;
  const unserved = `NOT ${served(1)} AND NOT ${served(2)}`;
  // Exactly two tiers (migration 1764286000000's partial indexes): tier 2 is tried only when tier 1 did not serve.
  const tier = (n: 1 | 2, notServed: string) => `t${n} AS MATERIALIZED (SELECT ${columns} FROM search_product sp
       WHERE ${scanned} AND sp.tier <= ${n} AND ${used(n)}${notServed}),
     h${n} AS MATERIALIZED (SELECT count(*) > ${limit} AS served FROM (SELECT FROM t${n} LIMIT ${limit + 1}) x)`;
  // Tier 1 is left out of the walk (`u1` false: its CTEs never run) when tier 2 is used and the words' estimated
  // matches among tier 1's products (their share of the catalog, popularity taken as unrelated to the words) are
  // under half the limit: a word tier 2 serves at 1M read all its tier-1 matches first (137–645 rows, each read and,
  // for the page, ranked) to learn there were not enough. Only when tier 2 is used: on the full index, `p` is then
  // tier 2's matches, never tier 1's. Exact either way: a tier serves only with more than `limit` real matches. What a
  // wrong estimate costs: a word tier 1 would have served is served by tier 2 (its candidates popular products all
  // the same, among the 100 × limit rather than the 10 × limit).
  const skip1 = estimate
    ? ` AND NOT (x.u2 AND (${estimate})::float8 * x.p1 * ${TIER_SKIP_MARGIN} < ${limit}::float8 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = 'search_product'::regclass))`
    : '';
  // On the full index, the largest used tier's matches (`p`: all of them, it had at most `limit`: it did not serve),
  // each branch behind its one-time filter; `w` then reads the rows above that tier. One rule for both: `popularTier`,
  // the largest used tier (0 with none used).
  const popularTier = `(SELECT CASE WHEN tu.u2 THEN 2 WHEN tu.u1 THEN 1 ELSE 0 END FROM tu)`;
  const full = fullIndex('(SELECT room.n FROM room)', ` AND NOT ${used(1)} AND NOT ${used(2)}`);
  return {
    ctes: `tu AS MATERIALIZED (SELECT x.u1${skip1} AS u1, x.u2
                            FROM (SELECT coalesce(bool_or(st.used) FILTER (WHERE st.tier = 1), false) AS u1,
                                         coalesce(bool_or(st.used) FILTER (WHERE st.tier = 2), false) AS u2,
                                         max(st.products) FILTER (WHERE st.tier = 1) AS p1 FROM search_tier st) x),
     ${tier(1, '')},
     ${tier(2, ` AND NOT ${served(1)}`)},
     p AS MATERIALIZED ((SELECT * FROM t2 WHERE ${popularTier} = 2 AND ${unserved})
       UNION ALL (SELECT * FROM t1 WHERE ${popularTier} = 1 AND ${unserved})),
     room AS MATERIALIZED (SELECT ${limit} - count(*) AS n FROM p),
     w AS MATERIALIZED (SELECT ${columns} FROM search_product sp WHERE ${scanned} AND ${unserved} AND sp.tier > ${popularTier}),
     ${full.ctes}`,
    first: full.first,
    parts: [
      `(SELECT * FROM t1 WHERE ${served(1)} LIMIT ${limit})`,
      `(SELECT * FROM t2 WHERE ${served(2)} LIMIT ${limit})`,
      '(SELECT * FROM p)',
      full.first,
      '(SELECT * FROM b WHERE (SELECT more FROM more))',
    ],
    beyond: `(${served(1)} OR ${served(2)} OR (SELECT more FROM more))`,
  };
}

/**
 * The RELEVANCE score of a row, as float8 so that a cursor's text round-trips exactly: text rank times
 * popularity and availability (the stored column search_product.popularity, migration 1764272000000: log-damped
 * sales and likes so that best-sellers lead without burying the rest, the rating above or below 3 stars
 * weighted by how many ratings back it, full weight from 20, half a score out of stock; README "Ranking")
 * times the customer's category nudge. Stored, the popularity is read instead of evaluated on every match.
 * Two parts: `relevanceBaseSql` over `search_product sp` (what the candidates' CTE computes once per candidate),
 * and `relevanceSql` over a candidate `c` with that base as `c.score` and its `c.category_id`; the product is
 * the one expression it always was, `(rank × popularity) × nudge`, so scores and cursors are unchanged.
 */
export function relevanceBaseSql(tsquery: string | null): string {
  // The tsquery as an InitPlan, computed once: a prepared page's generic plan would call to_tsquery per match.
  const text = tsquery ? `ts_rank(sp.document, (SELECT ${tsquery}), 1)` : '1';
  return `${text} * sp.popularity`;
}

export function relevanceSql(personalized: boolean): string {
  const nudge = personalized ? ` * (1 + ${AFFINITY_WEIGHT} * coalesce(aff.score, 0))` : '';
  return `(c.score${nudge})::float8`;
}

/** The CTE `aff` of a customer's (`customerId`) category affinities (search-affinity.ts affinitySql), read once. */
export function affinityCte(customerId: string, param: Param): string {
  return `aff AS MATERIALIZED (${affinitySql(`${param(customerId)}::uuid`)})`;
}

/** The affinities (`affinityCte`) joined to the rows of `alias` (a candidate c) by category; '' when not personalized. */
export function affinityJoin(personalized: boolean, alias: string): string {
  return personalized ? `LEFT JOIN aff ON aff.category_id = ${alias}.category_id` : '';
}
