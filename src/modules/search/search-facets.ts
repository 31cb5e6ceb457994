import type { Context } from '../../core/context';
import { Money } from '../../core/money';
import { ListingCondition, type Category } from '../catalog';
import type { SearchCategoryFacet, SearchFacets } from './search.type';

/** Lowest-price ranges, in major units of the currency (× 100 minor units); the last one is open. */
export const PRICE_BOUNDS = [10, 25, 50, 100, 200, 500].map((major) => major * 100);
const RATINGS = [4, 3, 2, 1];
/** search_product.conditions holds listing_condition values (catalog's ListingCondition). */
const CONDITIONS = Object.values(ListingCondition);
const MAX_SELLERS = 50;

export interface FacetRow {
  kind: 'total' | 'category' | 'seller' | 'price' | 'condition' | 'rating' | 'stock';
  key: string | null;
  count: number;
}

/**
 * The statement that counts a search's whole result, given its `FROM search_product sp WHERE …`: with
 * `facets` false only the total; otherwise the total and every facet: in stock, per condition of visible
 * listings, cumulative per minimum rating, per lowest-price range, per category (rolled up its path, so a
 * parent counts its subtree once per product) and per seller of visible listings, from the matching rows'
 * facet columns materialized once. The caller runs it beside the page's statement, on another connection.
 *
 * Measured on the large seed (bench:search's mix, faceted search at 1 client on the loaded machine; backend
 * CPU per search): the page, count and facets in one statement over a CTE of the matches 14 ms, this one
 * beside the page 17 ms (the matches are scanned twice) but the two at once on two cores; the page, the
 * small facets and the sellers as three single-pass statements 19 ms.
 */
export function totalsSql(from: string, facets: boolean): string {
  if (!facets) return `SELECT 'total' AS kind, NULL AS key, count(*)::int AS count ${from}`;
  // The small facets as FILTERed counts per category (the cheapest of the shapes measured: a GROUP BY of
  // facet keys or GROUPING SETS hash more per row), then summed and unpivoted; the sellers by unnest.
  const counts: [kind: string, key: string | null, condition: string][] = [
    ['stock', null, 'sp.in_stock'],
    ...CONDITIONS.map((c): [string, string, string] => ['condition', c, `sp.conditions @> '{${c}}'`]),
    ...RATINGS.map((r): [string, string, string] => ['rating', String(r), `sp.rating_average >= ${r}`]),
    // Cumulative below each bound, then differences: six integer comparisons a row instead of seven
    // width_bucket calls (1.6 ms less backend CPU for `premium`'s 12k matches). Bucket i holds prices in
    // [bound i-1, bound i); the last one from the last bound up; no price, no bucket.
    ...PRICE_BOUNDS.map((bound): [string, string, string] => ['below', String(bound), `sp.min_price < ${bound}`]),
    ['below', null, 'sp.min_price IS NOT NULL'],
  ];
  const column = (kind: string, key: string | null) => `c${counts.findIndex(([k, v]) => k === kind && v === key)}`;
  const below = [...PRICE_BOUNDS.map(String), null].map((key) => `a.${column('below', key)}`);
  const prices = below.map((count, bucket) => `('price', '${bucket}', ${bucket === 0 ? count : `${count} - ${below[bucket - 1]}`})`);
  return `WITH m AS MATERIALIZED (SELECT sp.category_id, sp.seller_ids, sp.conditions, sp.min_price, sp.in_stock, sp.rating_average ${from}),
     g AS (
       SELECT sp.category_id, count(*) AS n, ${counts.map(([, , condition], i) => `count(*) FILTER (WHERE ${condition}) AS c${i}`).join(', ')}
       FROM m sp GROUP BY sp.category_id
     )
     SELECT v.kind, v.key, v.count
       FROM (SELECT coalesce(sum(n), 0)::int AS n, ${counts.map((_, i) => `coalesce(sum(c${i}), 0)::int AS c${i}`).join(', ')} FROM g) a
       CROSS JOIN LATERAL (VALUES ('total', NULL, a.n), ${counts
         .flatMap(([kind, key], i) => (kind === 'below' ? [] : [`('${kind}', ${key === null ? 'NULL' : `'${key}'`}, a.c${i})`]))
         .concat(prices)
         .join(', ')}) AS v(kind, key, count)
      WHERE v.count > 0 OR v.kind = 'total'
     UNION ALL
     SELECT 'category', a.id, sum(g.n)::int
       FROM g JOIN category cat ON cat.id = g.category_id
       CROSS JOIN LATERAL unnest(string_to_array(cat.path, '/')) AS a(id)
      GROUP BY a.id
     UNION ALL
     (SELECT 'seller' AS kind, x.s::text AS key, count(*)::int AS count
       FROM (SELECT unnest(sp.seller_ids) AS s FROM m sp) x
      GROUP BY x.s ORDER BY count(*) DESC, x.s LIMIT ${MAX_SELLERS})`;
}

/** The facets of the rows `totalsSql(…, true)` returned (with the categories and sellers they name). */
export async function toFacets(ctx: Context, rows: FacetRow[]): Promise<SearchFacets> {
  const of = (kind: FacetRow['kind']) => rows.filter((r) => r.kind === kind);
  const categoryCounts = new Map(of('category').map((r) => [r.key!, r.count]));
  const [categories, sellers] = await Promise.all([
    ctx.loaders.categoryById.loadMany([...categoryCounts.keys()]),
    ctx.loaders.sellerById.loadMany(of('seller').map((r) => r.key!)),
  ]);
  const currency = ctx.config.currency;
  const byCount = (a: { count: number }, b: { count: number }) => b.count - a.count;
  return {
    categories: categoryTree(
      categories.filter((c): c is Category => !!c && !(c instanceof Error)),
      categoryCounts,
    ),
    sellers: of('seller')
      .map((r, i) => ({ seller: sellers[i]!, count: r.count }))
      .filter((f) => f.seller && !(f.seller instanceof Error))
      .sort(byCount) as SearchFacets['sellers'],
    // Bucket 0 below the first bound, i between bounds i-1 and i, n from the last up.
    priceRanges: of('price')
      .map((r) => Number(r.key))
      .sort((a, b) => a - b)
      .map((bucket) => {
        const min = bucket === 0 ? null : PRICE_BOUNDS[bucket - 1]!;
        const max = bucket === PRICE_BOUNDS.length ? null : PRICE_BOUNDS[bucket]!;
        const count = of('price').find((r) => Number(r.key) === bucket)!.count;
        return { min: min == null ? null : new Money(min, currency), max: max == null ? null : new Money(max, currency), count };
      }),
    conditions: of('condition')
      .map((r) => ({ condition: r.key as ListingCondition, count: r.count }))
      .sort(byCount),
    ratings: of('rating')
      .map((r) => ({ minRating: Number(r.key), count: r.count }))
      .sort((a, b) => b.minRating - a.minRating),
    inStock: of('stock')[0]?.count ?? 0,
  };
}

/** The counted categories as a tree: roots with children, most results first. */
function categoryTree(categories: Category[], counts: Map<string, number>): SearchCategoryFacet[] {
  const nodes = new Map(categories.map((c) => [c.uuid, { category: c, count: counts.get(c.uuid) ?? 0, children: [] as SearchCategoryFacet[] }]));
  const roots: SearchCategoryFacet[] = [];
  for (const node of nodes.values()) {
    const parent = node.category.parentUuid ? nodes.get(node.category.parentUuid) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: SearchCategoryFacet[]) => {
    list.sort((a, b) => b.count - a.count || a.category.name.localeCompare(b.category.name));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}
