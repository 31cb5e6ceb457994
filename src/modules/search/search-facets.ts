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
  kind: 'total' | 'category' | 'seller' | 'price' | 'condition' | 'rating' | 'stock' | 'page';
  key: string | null;
  count: number;
  /** Page rows only: the sort key of the product (`key`), `count` being its place on the page. */
  sortKey: string | null;
}

/** The columns of `search_product sp` the facets read, for the CTE `m` of matching rows. */
export const FACET_COLUMNS = 'sp.category_id, sp.seller_ids, sp.conditions, sp.min_price, sp.in_stock, sp.rating_average';

/**
 * Every facet of a search over `m` (its matching rows, materialized once by the caller) as rows of
 * (kind, key, count, sortKey): the total, in stock, per condition of visible listings, cumulative per
 * minimum rating and per lowest-price range (one aggregate pass), per category (rolled up its path, so a
 * parent counts its subtree once per product) and per seller of visible listings. With `facets` false,
 * only the total.
 */
export function facetsSql(facets: boolean): string {
  if (!facets) return `SELECT 'total' AS kind, NULL AS key, count(*)::int AS count, NULL AS "sortKey" FROM m`;
  // The small facets in one pass over m: one aggregate row of FILTERed counts, unpivoted.
  const counts: [kind: string, key: string | null, condition: string][] = [
    ['total', null, 'true'],
    ['stock', null, 'm.in_stock'],
    ...CONDITIONS.map((c): [string, string, string] => ['condition', c, `m.conditions @> '{${c}}'`]),
    ...RATINGS.map((r): [string, string, string] => ['rating', String(r), `m.rating_average >= ${r}`]),
    ...[...PRICE_BOUNDS, null].map((_, bucket): [string, string, string] => [
      'price',
      String(bucket),
      `width_bucket(m.min_price, ARRAY[${PRICE_BOUNDS.join(', ')}]::bigint[]) = ${bucket}`,
    ]),
  ];
  return `SELECT v.kind, v.key, v.count, NULL AS "sortKey"
       FROM (SELECT ${counts.map(([, , condition], i) => `count(*) FILTER (WHERE ${condition})::int AS c${i}`).join(', ')} FROM m) a
       CROSS JOIN LATERAL (VALUES ${counts.map(([kind, key], i) => `('${kind}', ${key === null ? 'NULL' : `'${key}'`}, a.c${i})`).join(', ')}) AS v(kind, key, count)
      WHERE v.count > 0 OR v.kind = 'total'
     UNION ALL
     SELECT 'category', a.id, sum(c.n)::int, NULL
       FROM (SELECT category_id, count(*) AS n FROM m WHERE category_id IS NOT NULL GROUP BY category_id) c
       JOIN category cat ON cat.id = c.category_id
       CROSS JOIN LATERAL unnest(string_to_array(cat.path, '/')) AS a(id)
      GROUP BY a.id
     UNION ALL
     (SELECT 'seller', s::text, count(*)::int, NULL FROM m CROSS JOIN LATERAL unnest(m.seller_ids) s
       GROUP BY s ORDER BY count(*) DESC, s LIMIT ${MAX_SELLERS})`;
}

/** The facets of the rows `facetsSql(true)` returned (with the categories and sellers they name). */
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
    // width_bucket: 0 below the first bound, i between bounds i-1 and i, n above the last.
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
