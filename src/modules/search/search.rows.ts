import { badInput } from '../../core/errors';
import { requireIdOf } from '../../core/global-id';
import { categoriesUnderSql } from '../catalog';
import type { SearchFilter } from './search.inputs';
import type { AnalyzedQuery } from './search-query';
import { tsquerySql } from './search-query';
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
export function searchWhere(query: AnalyzedQuery, filter: SearchFilter, param: Param): { where: string[]; tsquery: string | null } {
  const where = ['sp.searchable'];
  const tsquery = tsquerySql(query, param);
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
  return { where, tsquery };
}

const TEXT_MATCH = 'sp.document @@ ';

/**
 * `where` for rows tested one by one (the best sellers' walk, `b` below): the tsquery as a scalar subquery, an
 * InitPlan computed once per execution. A prepared statement's generic plan (search-prepared.ts) does not fold
 * `to_tsquery($1)` to a constant, so the plain clause called to_tsquery three times per walked row: `premium`'s
 * counts (beyond the limit, 2,000 rows walked) took 17.5 ms against 13.6 unnamed. The index scan of the matches
 * keeps the plain clause: an index condition is computed once, and a custom plan estimates it by its words.
 */
function walkedWhere(where: string[]): string[] {
  return where.map((clause) => (clause.startsWith(TEXT_MATCH) ? `${TEXT_MATCH}(SELECT ${clause.slice(TEXT_MATCH.length)})` : clause));
}

/**
 * Best sellers walked for candidates beyond the exact limit: a fifth of it, 2,000 at the default 10,000 (as
 * far as searchSuggest walks the same index).
 */
export const bestSellerWalk = (limit: number): number => Math.max(1, Math.floor(limit / 5));

/**
 * A search's candidates (README "Bounded work") with `columns` of `search_product sp`, for the page and the
 * counts alike so that the ranking and the counts see the same products: `ctes` to put in a WITH, and the
 * candidates in two `parts` to read FROM, each with the columns:
 *
 * - `w`: the matches, planned for the whole result (a MATERIALIZED CTE is planned on its own: the GIN bitmap
 *   scan) but read lazily, only as far as its readers pull: at most `limit` + 1 rows of the heap. (A LIMIT in
 *   the scan's own query made PostgreSQL choose a sequential scan for `premium`, whose matches it overestimates
 *   threefold: 71 ms against 7 for the bitmap scan.)
 * - `more`: whether there are more than `limit` matches (one row past it).
 * - `b`: only then, the matches among the `bestSellerWalk(limit)` best-selling searchable products (a walk of
 *   search_product_sales_idx, 2,000 rows at the default limit) that are not among the first `limit`:
 *   popularity is part of relevance, so the likeliest winners of a huge result are ranked even when the index
 *   yields them late. Not read at all up to the limit (a one-time filter on `more`).
 * - parts[0]: the first `limit` matches (up to the limit, every match); parts[1]: `b`, empty up to the limit.
 *
 * `reached` (SQL, default true): false only when the first part is known to hold fewer than `limit` rows, e.g. a
 * count the reader already made of it (`before`: CTEs over the first part, placed ahead of `more`). `more`'s EXISTS is an InitPlan,
 * run when first needed, and AND stops at false: the re-read of up to `limit` stored rows (the last part of the
 * exactness check, ~0.3–1.3 ms at 6k matches) is then skipped. Up to the limit, nearly every search.
 *
 * Readers aggregate (or take their top rows of) each part and then merge the few rows that come out, rather
 * than reading a UNION of the parts: a union's nodes on every match cost ~1.5 ms for `lampara` (6k matches,
 * below the limit; page 6.5 → 8.1 ms). Read twice, `w` is read from its stored rows the second time.
 */
export function candidatesSql(
  where: string[],
  columns: string,
  limit: number,
  { reached = 'true', before }: { reached?: string; before?: (first: string) => string } = {},
): { ctes: string; parts: [string, string] } {
  const first = `(SELECT * FROM w LIMIT ${limit})`;
  return {
    ctes: `w AS MATERIALIZED (SELECT ${columns} FROM search_product sp WHERE ${where.join(' AND ')}),${before ? `\n     ${before(first)},` : ''}
     more AS (SELECT ${reached} AND EXISTS (SELECT 1 FROM w OFFSET ${limit}) AS more),
     b AS MATERIALIZED (SELECT ${columns}
       FROM (SELECT * FROM search_product sp WHERE sp.searchable ORDER BY sp.sales_count DESC, sp.product_id DESC LIMIT ${bestSellerWalk(limit)}) sp
      WHERE ${walkedWhere(where).join(' AND ')} AND sp.product_id NOT IN (SELECT w.product_id FROM w LIMIT ${limit}))`,
    parts: [first, '(SELECT * FROM b WHERE (SELECT more FROM more))'],
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
