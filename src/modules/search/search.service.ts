import type { Context } from '../../core/context';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { PRODUCT_COLUMNS, toProduct, type Product, type ProductRow } from '../catalog';
import { categoryAffinity } from './search-affinity';
import { FACET_COLUMNS, facetsSql, toFacets, type FacetRow } from './search-facets';
import { recordSearchLater } from './search-insights';
import { analyzeQuery } from './search-query';
import { recordSearchTouchpoint } from './search-touchpoint';
import { affinityJoin, parameters, relevanceSql, searchWhere } from './search.rows';
import { SearchSort, type SearchArgs } from './search.inputs';
import type { SearchConnection, SearchFacets } from './search.type';

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

/** Which of the connection's own fields the request selects: they decide the statement. */
export interface SearchSelection {
  totalCount: boolean;
  facets: boolean;
}

/**
 * `search`: one round trip to read the words (folding, typos), then one statement for the page alone,
 * or, when totalCount or facets are selected, one statement that materializes the matching rows once
 * and reads the page, the count and the facets from them (plus one to load the page's products). Pages
 * are keyset: (score, id) for RELEVANCE, (sort key, id) otherwise. A score moves when sales or likes
 * change between two pages, as in any ranked list; a walk of unchanged data never repeats a product.
 */
export async function search(
  ctx: Context,
  args: SearchArgs,
  selection: SearchSelection = { totalCount: true, facets: true },
): Promise<SearchConnection> {
  checkPageSize(args.first);
  const query = await analyzeQuery(ctx, args.query);
  const affinity = args.sort === SearchSort.RELEVANCE ? await categoryAffinity(ctx, args.personalized) : null;

  const { params, param } = parameters();
  const { where, tsquery } = searchWhere(query, args.filter ?? {}, param);
  // The WHERE's parameters so far: the whole result (without cursor, affinity or limit) needs no others.
  const whereParams = [...params];
  const joins = affinityJoin(affinity, param);
  const order = args.sort === SearchSort.RELEVANCE ? { key: relevanceSql(tsquery, affinity), cast: 'float8', desc: true } : orders[args.sort];
  const direction = order.desc ? 'DESC' : 'ASC';
  const after = args.after ? decodeKeyset(args.after) : null;
  const keyset = (key: string, id: string) =>
    after ? `(${key}, ${id}) ${order.desc ? '<' : '>'} (${param(after.key)}::${order.cast}, ${param(after.id)}::uuid)` : 'true';

  let items: { product: Product; sortKey: string }[];
  let totals: Promise<FacetRow[]> | null = null;
  if (selection.totalCount || selection.facets) {
    const rows: FacetRow[] = await ctx.db.query(
      `WITH m AS MATERIALIZED (
         SELECT sp.product_id, ${FACET_COLUMNS}, ${order.key} AS key FROM search_product sp ${joins} WHERE ${where.join(' AND ')}
       ), page AS (
         SELECT product_id, key FROM m WHERE ${keyset('m.key', 'm.product_id')}
          ORDER BY key ${direction}, product_id ${direction} LIMIT ${param(args.first + 1)}
       )
       ${facetsSql(selection.facets)}
       UNION ALL
       SELECT 'page', product_id::text, (row_number() OVER (ORDER BY key ${direction}, product_id ${direction}))::int, key::text FROM page`,
      params,
    );
    const page = rows.filter((r) => r.kind === 'page').sort((a, b) => a.count - b.count);
    const products = await ctx.loaders.productById.loadMany(page.map((r) => r.key!));
    items = page.flatMap((r, i) => {
      const product = products[i];
      return product && !(product instanceof Error) ? [{ product, sortKey: r.sortKey! }] : [];
    });
    totals = Promise.resolve(rows);
  } else {
    const rows: (ProductRow & { sortKey: string })[] = await ctx.db.query(
      `SELECT ${PRODUCT_COLUMNS}, s.key::text AS "sortKey"
         FROM (SELECT sp.product_id, ${order.key} AS key FROM search_product sp ${joins}
                WHERE ${where.join(' AND ')} AND ${keyset(order.key, 'sp.product_id')}
                ORDER BY 2 ${direction}, sp.product_id ${direction}
                LIMIT ${param(args.first + 1)}) s
         JOIN product p ON p.id = s.product_id
        ORDER BY s.key ${direction}, s.product_id ${direction}`,
      params,
    );
    items = rows.map((r) => ({ product: toProduct(r), sortKey: r.sortKey }));
  }

  if (!after) {
    // The first page is the search (later pages are not): for the operator (a zero-result search has no
    // rows on its first page) and as the customer's touchpoint.
    recordSearchLater(ctx, query.normalized, items.length === 0);
    await recordSearchTouchpoint(ctx, query.normalized);
  }
  // Counted on demand when the selection did not ask for it up front (a caller without lookahead).
  const whole = (): Promise<FacetRow[]> => {
    totals ??= ctx.db.query(
      `WITH m AS MATERIALIZED (SELECT ${FACET_COLUMNS} FROM search_product sp WHERE ${where.join(' AND ')}) ${facetsSql(true)}`,
      whereParams,
    );
    return totals;
  };
  let facets: Promise<SearchFacets> | undefined;
  return {
    ...toConnection(items, args.first, (i) => encodeCursor([i.sortKey, i.product.uuid]), (i) => i.product),
    correctedQuery: query.corrected,
    totals: {
      totalCount: async () => (await whole()).find((r) => r.kind === 'total')!.count,
      facets: () => {
        facets ??= whole().then((rows) => toFacets(ctx, rows));
        return facets;
      },
    },
  };
}
