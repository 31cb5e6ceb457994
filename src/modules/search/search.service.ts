import type { Context } from '../../core/context';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from '../catalog';
import { categoryAffinity } from './search-affinity';
import { searchFacets } from './search-facets';
import { recordSearch } from './search-insights';
import { analyzeQuery } from './search-query';
import { affinityJoin, parameters, relevanceSql, searchWhere } from './search.rows';
import { SearchSort, type SearchArgs } from './search.inputs';
import type { SearchConnection } from './search.type';

const MAX_SAFE = '9007199254740991';

/** Keyset order per sort: the key (with the product id as tie-breaker), its SQL type and direction. */
const orders: Record<Exclude<SearchSort, SearchSort.RELEVANCE>, { key: string; cast: string; desc: boolean }> = {
  [SearchSort.PRICE_ASC]: { key: `coalesce(sp.min_price, ${MAX_SAFE})`, cast: 'bigint', desc: false },
  [SearchSort.PRICE_DESC]: { key: 'coalesce(sp.min_price, -1)', cast: 'bigint', desc: true },
  [SearchSort.NEWEST]: { key: 'sp.created_at', cast: 'timestamptz', desc: true },
  [SearchSort.RATING]: { key: 'coalesce(sp.rating_average, 0)::float8', cast: 'float8', desc: true },
  [SearchSort.MOST_LIKED]: { key: 'sp.like_count', cast: 'int', desc: true },
  [SearchSort.BEST_SELLING]: { key: 'sp.sales_count', cast: 'int', desc: true },
};

/**
 * `search`: one round trip to read the words (folding, typos), one for the page; the count and the facets
 * only when asked for, each one statement over the same WHERE. Pages are keyset: (score, id) for
 * RELEVANCE, (sort key, id) otherwise. A score moves when sales or likes change between two pages, as
 * any ranked list does; the keyset still never repeats a product within a walk of unchanged data.
 */
export async function search(ctx: Context, args: SearchArgs): Promise<SearchConnection> {
  checkPageSize(args.first);
  const query = await analyzeQuery(ctx, args.query);
  const filter = args.filter ?? {};
  const affinity = args.sort === SearchSort.RELEVANCE ? await categoryAffinity(ctx, args.personalized) : null;

  const { params, param } = parameters();
  const { where, tsquery } = searchWhere(query, filter, param);
  // The count and the facets use the WHERE alone: its parameters are those pushed so far.
  const wholeParams = [...params];
  const joins = affinityJoin(affinity, param);
  const order = args.sort === SearchSort.RELEVANCE ? { key: relevanceSql(tsquery, affinity), cast: 'float8', desc: true } : orders[args.sort];
  const pageWhere = [...where];
  if (args.after) {
    const { key, id } = decodeKeyset(args.after);
    pageWhere.push(`(${order.key}, sp.product_id) ${order.desc ? '<' : '>'} (${param(key)}::${order.cast}, ${param(id)}::uuid)`);
  }
  const direction = order.desc ? 'DESC' : 'ASC';
  const rows: (ProductRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${PRODUCT_COLUMNS}, s.key::text AS "sortKey"
       FROM (SELECT sp.product_id, ${order.key} AS key FROM search_product sp ${joins}
              WHERE ${pageWhere.join(' AND ')}
              ORDER BY 2 ${direction}, sp.product_id ${direction}
              LIMIT ${param(args.first + 1)}) s
       JOIN product p ON p.id = s.product_id
      ORDER BY s.key ${direction}, s.product_id ${direction}`,
    params,
  );
  const page = toConnection(rows, args.first, (r) => encodeCursor([r.sortKey, r.id]), toProduct);

  const count = once(() =>
    ctx.db
      .query(`SELECT count(*)::int AS count FROM search_product sp WHERE ${where.join(' AND ')}`, wholeParams)
      .then(([r]: { count: number }[]) => r!.count),
  );
  const facets = once(() => searchFacets(ctx, where, wholeParams));

  if (!args.after) {
    // The first page records the search for the operator: a zero-result search has no rows on its first page.
    await recordSearch(ctx, query.normalized, rows.length === 0);
  }
  return {
    ...page,
    correctedQuery: query.corrected,
    totals: {
      // Sibling fields are resolved in one synchronous pass: after one microtask, a `facets` selected
      // next to `totalCount` has started, and its statement counts too.
      totalCount: async () => {
        await Promise.resolve();
        return facets.started() ? (await facets()).total : count();
      },
      facets: async () => (await facets()).facets,
    },
  };
}

/** A promise made on first call only, and whether it was. */
function once<T>(make: () => Promise<T>): (() => Promise<T>) & { started(): boolean } {
  let promise: Promise<T> | undefined;
  const get = () => {
    promise ??= make();
    return promise;
  };
  return Object.assign(get, { started: () => promise !== undefined });
}
