import type { Context } from '../../core/context';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { PRODUCT_COLUMNS, PRODUCT_NARROW_COLUMNS, toProduct, type ProductRow } from '../catalog';
import { personalizedFor } from './search-affinity';
import { isExact, toFacets, totalsSql, type FacetRow } from './search-facets';
import { pageAndTotalsSql } from './search-page.rows';
import { recordSearchLater } from './search-insights';
import { searchQuery } from './search-prepared';
import { sameAnalysis, startAnalysis, type AnalyzedQuery } from './search-query';
import { recordSearchTouchpoint } from './search-touchpoint';
import { tiersInUse } from './search-tiers';
import { affinityCte, affinityJoin, candidatesSql, parameters, relevanceBaseSql, relevanceSql, searchWhere } from './search.rows';
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
  /**
   * The products', and the facets' sellers', selected fields are all answered from a narrow row (catalog's
   * selectsNarrowly): the page reads PRODUCT_NARROW_COLUMNS, the counts narrowSellerJson. pg allocates a string per
   * column value and parses the dates and json whatever the fields read: on the large seed a faceted search's two
   * statements came back with 46 KB of rows, 25 KB of them never answered.
   */
  narrowProducts?: boolean;
  narrowSellers?: boolean;
}

/**
 * `search`: one round trip to read the words (folding, typos; none for a query whose words were all known
 * before; beside the page and counts for one analyzed before, README "What waits on what"), then the
 * page in one statement (with its products and a customer's affinities): for RELEVANCE with totalCount or facets
 * selected, the same statement counts the result from the same candidates (search-page.rows.ts); for the explicit
 * sorts the statement that counts it (search-facets.ts) runs at the same time on another connection. A customer's
 * touchpoint runs beside them on another. Pages are keyset:
 * (score, id) for RELEVANCE, (sort key, id) otherwise. A score moves when sales or likes change between
 * two pages, as in any ranked list; a walk of unchanged data never repeats a product.
 *
 * Bounded work (README "Bounded work"): with more than `config.searchExactLimit` matches, RELEVANCE ranks that many
 * matches of the most popular products (the smallest popularity tier with more than the limit of them), or without
 * such a tier the first that many the index yields and the popular matches (its candidates), and the counts count
 * the same ones, flagged as lower bounds; up to it, both read every match, exactly as without a limit.
 */
export async function search(
  ctx: Context,
  args: SearchArgs,
  selection: SearchSelection = { totalCount: true, facets: true },
): Promise<SearchConnection> {
  checkPageSize(args.first);
  searchesRunning++;
  try {
    return await searchRunning(ctx, args, selection);
  } finally {
    searchesRunning--;
  }
}

/** Searches of this process between their start and their page's answer (searchAnalyzed's `together`). */
let searchesRunning = 0;

async function searchRunning(ctx: Context, args: SearchArgs, selection: SearchSelection): Promise<SearchConnection> {
  const analysis = startAnalysis(ctx, args.query);
  if ('known' in analysis) return recorded(ctx, await searchAnalyzed(ctx, args, selection, analysis.known, true));
  const { guess, fresh } = analysis;
  if (!guess) return recorded(ctx, await searchAnalyzed(ctx, args, selection, await fresh, true));
  // Words this app analyzed before but may not keep (a prefix being typed, a typo: search-query.ts startAnalysis):
  // the page and the counts start with the last analysis beside the words' statement instead of after it, and are
  // dropped and run again with the new one if the vocabulary answers otherwise now. Nothing is recorded for the
  // guessed run until the words confirm it. Saved: the words' round trip before the page and counts (~1 ms of
  // a typo's or a prefix's search on a quiet machine, a scheduling wait more under load).
  const guessed = searchAnalyzed(ctx, args, selection, guess, false);
  guessed.catch(() => undefined);
  const query = await fresh;
  if (!sameAnalysis(query, guess)) return recorded(ctx, await searchAnalyzed(ctx, args, selection, query, true));
  const done = await guessed;
  return recorded(ctx, { ...done, touchpoint: done.firstPage ? recordSearchTouchpoint(ctx, query.normalized) : null });
}

/** A search's answer and what is recorded of it once it is the answer (its first page: the statistics, the touchpoint). */
interface Searched {
  connection: SearchConnection;
  firstPage: boolean;
  normalized: string;
  zeroResults: boolean;
  touchpoint: Promise<void> | null;
}

async function recorded(ctx: Context, searched: Searched): Promise<SearchConnection> {
  if (searched.firstPage) {
    // For the operator (a zero-result search has no rows on its first page), not awaited: written while the counts,
    // the longer of the two statements, still run. (Tried after the answer instead: in a closed loop it then runs
    // beside the next search's two statements; no better in interleaved windows, within their noise.)
    recordSearchLater(ctx, searched.normalized, searched.zeroResults);
    await searched.touchpoint;
  }
  return searched.connection;
}

/**
 * The search of analyzed words: its page, and its counts when selected. `touch`: the first page's touchpoint
 * starts with the page (false: the caller records it, if this run turns out to be the answer).
 */
async function searchAnalyzed(ctx: Context, args: SearchArgs, selection: SearchSelection, query: AnalyzedQuery, touch: boolean): Promise<Searched> {
  const customerId = args.sort === SearchSort.RELEVANCE ? await personalizedFor(ctx, args.personalized) : null;
  // The tier walk only where some tier is in use (search-tiers.ts tiersInUse: read at most every 30 s per app).
  const tiers = await tiersInUse(ctx.db);

  const { params, param } = parameters();
  const { where, tsquery, estimate } = searchWhere(query, args.filter ?? {}, param);
  // The WHERE's parameters so far: the whole result (without cursor, affinity or limit) needs no others.
  const whereParams = [...params];
  const limit = ctx.config.searchExactLimit;
  const narrowSellers = selection.narrowSellers ?? false;
  // RELEVANCE with counts: one statement reads the candidates once for the page and the counts (pageAndTotals) while
  // other searches run (the database's CPU is what concurrent searches share); alone, the two statements side by
  // side answer sooner (config.searchTogetherFrom). Both answer the same (search-facets.test.ts).
  const together =
    args.sort === SearchSort.RELEVANCE && (selection.totalCount || selection.facets) && searchesRunning >= ctx.config.searchTogetherFrom;
  // The counts over the whole result, once each: with the facets when asked for (or when a caller
  // without lookahead asks for either), the total alone otherwise.
  let totals: { facets: boolean; rows: Promise<FacetRow[]> } | null = null;
  const whole = (facets: boolean): Promise<FacetRow[]> => {
    if (!totals || (facets && !totals.facets)) {
      const rows = searchQuery<FacetRow>(ctx.db, totalsSql(where, { facets, limit, narrowSellers, tiers, estimate }), whereParams);
      // Started before the page is read: should the page fail, nobody awaits these.
      rows.catch(() => undefined);
      totals = { facets, rows };
    }
    return totals.rows;
  };
  if (!together && (selection.totalCount || selection.facets)) whole(selection.facets);

  const order = args.sort === SearchSort.RELEVANCE ? { key: relevanceSql(customerId !== null), cast: 'float8', desc: true } : orders[args.sort];
  const direction = order.desc ? 'DESC' : 'ASC';
  const after = args.after ? decodeKeyset(args.after) : null;
  const alias = args.sort === SearchSort.RELEVANCE ? 'c' : 'sp';
  const keyset = after
    ? `(${order.key}, ${alias}.product_id) ${order.desc ? '<' : '>'} (${param(after.key)}::${order.cast}, ${param(after.id)}::uuid)`
    : 'true';
  const limitRows = param(args.first + 1);
  const top = (from: string) =>
    `SELECT ${alias}.product_id, ${order.key} AS key FROM ${from} AND ${keyset} ORDER BY 2 ${direction}, ${alias}.product_id ${direction} LIMIT ${limitRows}`;
  const productColumns = selection.narrowProducts ? PRODUCT_NARROW_COLUMNS : PRODUCT_COLUMNS;
  // The first page is the search (later pages are not): a signed-in customer's is a touchpoint, recorded (a
  // transaction: three round trips) beside the page and the counts rather than after the page, as it was: it needs
  // only the words. Awaited before the answer, as before; should the page fail first, nobody awaits it.
  const touchpoint = after || !touch ? null : recordSearchTouchpoint(ctx, query.normalized);
  touchpoint?.catch(() => undefined);
  let rows: (ProductRow & { sortKey: string })[];
  if (together) {
    const withAffinity = customerId !== null ? `, ${affinityCte(customerId, param)}` : '';
    const text = pageAndTotalsSql(where, { facets: selection.facets, limit, narrowSellers, tiers, estimate }, {
      score: relevanceBaseSql(tsquery),
      top: (part) => top(`${part} c ${affinityJoin(customerId !== null, 'c')} WHERE true`),
      withAffinity,
      limitRows,
      productColumns,
    });
    const all = await searchQuery<ProductRow & { sortKey: string; totals: FacetRow[] | null }>(ctx.db, text, params);
    // The counts' rows come in the one row without a product (search-page.rows.ts).
    const counted = all.find((r) => r.id === null)!.totals!;
    totals = { facets: selection.facets, rows: Promise.resolve(counted) };
    rows = all.filter((r) => r.id !== null);
  } else {
    // RELEVANCE ranks the candidates (search.rows.ts candidatesSql), each with its rank × popularity computed as
    // it is read: a word that matches a million products ranks `limit` matches of popular products; up to `limit`,
    // every match, as before. The top rows of each part, then of both. The other sorts read every
    // match (README "Bounded work").
    let ranked: string;
    if (args.sort === SearchSort.RELEVANCE) {
      const { ctes, parts } = candidatesSql(where, `sp.product_id, sp.category_id, ${relevanceBaseSql(tsquery)} AS score`, limit, { tiers, estimate });
      const joins = affinityJoin(customerId !== null, 'c');
      const withAffinity = customerId !== null ? `, ${affinityCte(customerId, param)}` : '';
      ranked = `SELECT * FROM (WITH ${ctes}${withAffinity} ${parts.map((part) => `(${top(`${part} c ${joins} WHERE true`)})`).join(' UNION ALL ')}) u
      ORDER BY u.key ${direction}, u.product_id ${direction} LIMIT ${limitRows}`;
    } else {
      ranked = top(`search_product sp WHERE ${where.join(' AND ')}`);
    }
    // RELEVANCE pages run prepared (search-prepared.ts); the explicit sorts' plans depend on the words' frequency.
    const run = args.sort === SearchSort.RELEVANCE ? searchQuery : (db: typeof ctx.db, text: string, values: unknown[]) => db.query(text, values);
    rows = await run(
      ctx.db,
      `SELECT ${productColumns}, s.key::text AS "sortKey"
         FROM (${ranked}) s
         JOIN product p ON p.id = s.product_id
        ORDER BY s.key ${direction}, s.product_id ${direction}`,
      params,
    );
  }
  const items = rows.map((r) => ({ product: toProduct(r), sortKey: r.sortKey }));
  let facets: Promise<SearchFacets> | undefined;
  const connection: SearchConnection = {
    ...toConnection(items, args.first, (i) => encodeCursor([i.sortKey, i.product.uuid]), (i) => i.product),
    correctedQuery: query.corrected,
    totals: {
      totalCount: async () => (await whole(false)).find((r) => r.kind === 'total')!.count,
      totalCountIsExact: async () => isExact(await whole(false)),
      facets: () => {
        facets ??= whole(true).then((rows) => toFacets(ctx, rows, narrowSellers));
        return facets;
      },
    },
  };
  return { connection, firstPage: !after, normalized: query.normalized, zeroResults: items.length === 0, touchpoint };
}
