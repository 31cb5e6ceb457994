import type { Context } from '../../core/context';
import { Money } from '../../core/money';
import type { Category, ListingCondition } from '../catalog';
import type { SearchCategoryFacet, SearchFacets } from './search.type';

/** Lowest-price ranges, in major units of the currency (× 100 minor units); the last one is open. */
export const PRICE_BOUNDS = [10, 25, 50, 100, 200, 500].map((major) => major * 100);
const RATINGS = [4, 3, 2, 1];
const MAX_SELLERS = 50;

interface FacetRow {
  kind: 'total' | 'category' | 'seller' | 'price' | 'condition' | 'rating' | 'stock';
  key: string | null;
  count: number;
}

/**
 * Every facet of a search in one statement over its matching rows (materialized once): per category
 * (rolled up its path, so a parent counts its subtree once per product), per seller and condition of
 * visible listings, per lowest-price range, cumulative per minimum rating, and in stock.
 */
export async function searchFacets(
  ctx: Context,
  where: string[],
  params: unknown[],
): Promise<{ total: number; facets: SearchFacets }> {
  const bounds = PRICE_BOUNDS.map(String).join(', ');
  const rows: FacetRow[] = await ctx.db.query(
    `WITH m AS MATERIALIZED (
       SELECT sp.category_id, sp.seller_ids, sp.conditions, sp.min_price, sp.in_stock, sp.rating_average
         FROM search_product sp WHERE ${where.join(' AND ')}
     )
     SELECT 'total' AS kind, NULL AS key, count(*)::int AS count FROM m
     UNION ALL
     SELECT 'category', a.id, sum(c.n)::int
       FROM (SELECT category_id, count(*) AS n FROM m WHERE category_id IS NOT NULL GROUP BY category_id) c
       JOIN category cat ON cat.id = c.category_id
       CROSS JOIN LATERAL unnest(string_to_array(cat.path, '/')) AS a(id)
      GROUP BY a.id
     UNION ALL
     (SELECT 'seller', s::text, count(*)::int FROM m CROSS JOIN LATERAL unnest(m.seller_ids) s
       GROUP BY s ORDER BY count(*) DESC, s LIMIT ${MAX_SELLERS})
     UNION ALL
     SELECT 'condition', c, count(*)::int FROM m CROSS JOIN LATERAL unnest(m.conditions) c GROUP BY c
     UNION ALL
     SELECT 'price', width_bucket(m.min_price, ARRAY[${bounds}]::bigint[])::text, count(*)::int
       FROM m WHERE m.min_price IS NOT NULL GROUP BY 2
     UNION ALL
     SELECT 'rating', r::text, count(*)::int FROM m CROSS JOIN unnest(ARRAY[${RATINGS.join(', ')}]) r
      WHERE m.rating_average >= r GROUP BY r
     UNION ALL
     SELECT 'stock', NULL, count(*)::int FROM m WHERE m.in_stock`,
    params,
  );
  const of = (kind: FacetRow['kind']) => rows.filter((r) => r.kind === kind);
  const total = of('total')[0]?.count ?? 0;

  const categoryCounts = new Map(of('category').map((r) => [r.key!, r.count]));
  const categories = (await ctx.loaders.categoryById.loadMany([...categoryCounts.keys()])).filter(
    (c): c is Category => !!c && !(c instanceof Error),
  );
  const sellerRows = of('seller');
  const sellers = await ctx.loaders.sellerById.loadMany(sellerRows.map((r) => r.key!));
  const currency = ctx.config.currency;
  const byCount = (a: { count: number }, b: { count: number }) => b.count - a.count;

  return {
    total,
    facets: {
      categories: categoryTree(categories, categoryCounts),
      sellers: sellerRows
        .map((r, i) => ({ seller: sellers[i]!, count: r.count }))
        .filter((f) => f.seller && !(f.seller instanceof Error))
        .sort(byCount) as SearchFacets['sellers'],
      // width_bucket: 0 below the first bound, i between bounds i-1 and i, n above the last.
      priceRanges: of('price')
        .map((r) => {
          const bucket = Number(r.key);
          const min = bucket === 0 ? null : PRICE_BOUNDS[bucket - 1]!;
          const max = bucket === PRICE_BOUNDS.length ? null : PRICE_BOUNDS[bucket]!;
          return { bucket, min: min == null ? null : new Money(min, currency), max: max == null ? null : new Money(max, currency), count: r.count };
        })
        .sort((a, b) => a.bucket - b.bucket)
        .map(({ bucket: _, ...range }) => range),
      conditions: of('condition')
        .map((r) => ({ condition: r.key as ListingCondition, count: r.count }))
        .sort(byCount),
      ratings: of('rating')
        .map((r) => ({ minRating: Number(r.key), count: r.count }))
        .sort((a, b) => b.minRating - a.minRating),
      inStock: of('stock')[0]?.count ?? 0,
    },
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
