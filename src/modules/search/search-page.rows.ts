import { statementText } from '../../db/prepared-query';
import { COUNTED_COLUMNS, countingSql, type TotalsShape } from './search-facets';

/** What the page of a RELEVANCE search reads from the candidates (search.service.ts builds it). */
export interface PageShape {
  /** relevanceBaseSql: each candidate's score, computed once as it is read. */
  score: string;
  /** The top rows (product_id, key) of one part of the candidates (`part c`, its affinity joined), keyset and LIMIT in. */
  top: (part: string) => string;
  /** `, aff AS (…)` for a personalized order, else ''. */
  withAffinity: string;
  /** The placeholder of the page's row count (first + 1). */
  limitRows: string;
  /** The products' select list over `product p` (PRODUCT_COLUMNS or PRODUCT_NARROW_COLUMNS). */
  productColumns: string;
}

/**
 * A RELEVANCE page and its counts (search-facets.ts countingSql) in one statement over one read of the candidates
 * (search.rows.ts candidatesSql, README "Bounded work"): each candidate's row is read once from its index and heap,
 * with its score and its facet columns, and both the page's top rows and the counts' groups read it from the CTE's
 * stored rows. Two statements read them twice, on two connections: at 1M products a search beyond the limit reads
 * ~1,000 candidates in each, and on 2 cores the sum of both is what limits throughput.
 *
 * Its rows: the page's products (PRODUCT_COLUMNS or the narrow ones, with `sortKey`), in page order, and one row
 * without a product (`id` null, first) whose `totals` is the counts' rows (FacetRow[], as json).
 */
export function pageAndTotalsSql(where: string[], shape: TotalsShape, page: PageShape): string {
  const { facets, limit, narrowSellers = false, tiers = true, estimate = null } = shape;
  const marker = '\u0000part';
  const key = `search page+totals ${facets ? 'f' : 't'}${narrowSellers ? 'n' : 'w'}${tiers ? 'p' : 'x'}${limit}\n${where.join('\n')}\n${estimate ?? ''}\n${page.score}\n${page.top(marker)}\n${page.withAffinity}\n${page.limitRows}\n${page.productColumns}`;
  return statementText(key, () => {
    const { ctes, parts, rows } = countingSql(where, shape, `${COUNTED_COLUMNS}, ${page.score} AS score`);
    return `WITH ${ctes}${page.withAffinity},
     f AS (${rows}),
     pg AS (SELECT * FROM (${parts.map((part) => `(${page.top(part)})`).join(' UNION ALL ')}) u
             ORDER BY u.key DESC, u.product_id DESC LIMIT ${page.limitRows})
SELECT ${page.productColumns}, s.key::text AS "sortKey", s.totals
  FROM (SELECT pg.product_id, pg.key, NULL::json AS totals FROM pg
        UNION ALL
        SELECT NULL, NULL, (SELECT json_agg(json_build_object('kind', f.kind, 'key', f.key, 'count', f.count, 'row', f.row)) FROM f)) s
  LEFT JOIN product p ON p.id = s.product_id
 WHERE s.product_id IS NULL OR p.id IS NOT NULL
 ORDER BY s.key DESC NULLS FIRST, s.product_id DESC`;
  });
}
