import type { Context } from '../../core/context';
import { Money } from '../../core/money';
import { ListingCondition, categoryJson, toCategory, type Category, type CategoryRow } from '../catalog';
import { fromNarrowSellerJson, fromSellerJson, narrowSellerJson, sellerJson, toSeller } from '../sellers';
import type { SearchCategoryFacet, SearchFacets } from './search.type';
import { statementText } from '../../db/prepared-query';
import { candidatesSql } from './search.rows';

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
  /** A category's or seller's row (categoryJson, sellerJson); null for the other kinds. */
  row: unknown;
}

/**
 * search_product.facet_key's layout (migration 1764272000000 computes it, this file reads it): bit 0 in stock,
 * one bit per condition from bit 1 (CONDITIONS order), the rating bucket in bits 4–6 (the highest of RATINGS
 * the average reaches, 0 for none), the lowest-price bucket in bits 7–9 (index of the PRICE_BOUNDS range,
 * PRICE_BOUNDS.length + 1 without a price).
 */
const IN_STOCK_BIT = 1;
const conditionBit = (i: number) => 2 << i;
const RATING_SHIFT = 4;
const PRICE_SHIFT = 7;

/**
 * The statement that counts a search's result over its candidates (`candidatesSql`: every match up to `limit`,
 * README "Bounded work"), given the search's WHERE: with `facets` false only the total; otherwise the total and
 * every facet: in stock, per condition of visible listings, cumulative per minimum rating, per lowest-price
 * range, per category (rolled up its path, so a parent counts its subtree once per product) and per seller of
 * visible listings, each category and seller with its row (as json: no statement after this one for their
 * names). The caller runs it beside the page's statement, on another connection. Its 'total' row's key says
 * whether the counts are exact ('exact': at most `limit` matches) or over the candidates RELEVANCE ranks
 * ('window': each count is then a lower bound of the whole result's). With `narrowSellers`, the sellers' rows are narrowSellerJson (the
 * operation selects none of the other columns: search.service.ts SearchSelection).
 *
 * The candidates' rows are grouped by category and facet key, a few hundred groups that the small facets and
 * the categories then sum; the sellers are unnested in the select list (a lateral unnest is a function scan
 * per match: 8 ms more for `premium`).
 * Measured on the large seed (`premium`, 12k matches, backend CPU per statement on the loaded machine):
 * 17–22 ms with fifteen FILTERed counts on every match, 13–16 ms grouped by the stored key; the category and
 * seller rows in it spare the two loader statements that ran after it, and their round trip.
 */
export function totalsSql(where: string[], { facets, limit, narrowSellers = false, tiers = true, estimate = null }: TotalsShape): string {
  // One text per shape, built once: ~4 KB of template work per search otherwise (1.2% of a faceted search's busy
  // CPU in a profile, as much as toFacets), and the same string each time (its hash kept) for the prepared
  // statements' lookups by text (search-prepared.ts, prepared-query.ts).
  const key = `${facets ? 'f' : 't'}${narrowSellers ? 'n' : 'w'}${tiers ? 'p' : 'x'}${limit}\n${where.join('\n')}\n${estimate ?? ''}`;
  return statementText(`search totals ${key}`, () => buildTotalsSql(where, facets, limit, narrowSellers, tiers, estimate));
}

function buildTotalsSql(where: string[], facets: boolean, limit: number, narrowSellers: boolean, tiers: boolean, estimate: string | null): string {
  const { ctes, rows } = countingSql(where, { facets, limit, narrowSellers, tiers, estimate });
  return `WITH ${ctes} ${rows}`;
}

/** The candidates' columns the counts read (each part's rows: `c`). */
export const COUNTED_COLUMNS = 'sp.product_id, sp.category_id, sp.facet_key, sp.seller_ids';

/**
 * The counting statement in two pieces, for totalsSql and for a statement that also reads the page from the same
 * candidates (search-page.rows.ts): `ctes` (candidatesSql's, the counts' own after them) to put in a WITH, and `rows`,
 * the query of the counts' rows (FacetRow) over them. `columns`: the candidates' columns, COUNTED_COLUMNS at least.
 */
export function countingSql(
  where: string[],
  { facets, limit, narrowSellers = false, tiers = true, estimate = null }: TotalsShape,
  columns = COUNTED_COLUMNS,
): { ctes: string; parts: string[]; rows: string } {
  // The first part of the full index's matches is counted (or grouped) before the exactness check, which then
  // re-reads it only when that count reached its cap (candidatesSql `reached`): below it, the check costs nothing.
  // The other parts (a tier's, the popular matches, `b`) are counted on their own.
  if (!facets) {
    const { ctes, first, parts, beyond } = candidatesSql(where, columns, limit, {
      tiers,
      estimate,
      before: (first) => `n0 AS MATERIALIZED (SELECT count(*) AS n FROM ${first} c)`,
      reached: (cap) => `(SELECT n0.n FROM n0) >= ${cap}`,
    });
    const others = parts.filter((part) => part !== first).map((part) => ` + (SELECT count(*) FROM ${part} c)`);
    return { ctes, parts, rows: `${total(beyond)}, ((SELECT n0.n FROM n0)${others.join('')})::int AS count, NULL::json AS row` };
  }
  const { ctes, first, parts, beyond } = candidatesSql(where, columns, limit, {
    tiers,
    estimate,
    before: (first) => `g0 AS MATERIALIZED (SELECT c.category_id, c.facet_key AS k, count(*) AS n FROM ${first} c GROUP BY 1, 2)`,
    reached: (cap) => `coalesce((SELECT sum(g0.n) FROM g0), 0) >= ${cap}`,
  });
  // Each part grouped on its own, then the groups merged (candidatesSql: no union on every candidate).
  const groups = [
    '(SELECT * FROM g0)',
    ...parts.filter((part) => part !== first).map((part) => `(SELECT c.category_id, c.facet_key AS k, count(*) AS n FROM ${part} c GROUP BY 1, 2)`),
  ].join(' UNION ALL ');
  const sellers = parts.map((part) => `(SELECT u.s, count(*) AS n FROM (SELECT unnest(c.seller_ids) AS s FROM ${part} c) u GROUP BY 1)`).join(' UNION ALL ');
  const counts: [kind: string, key: string | null, condition: string][] = [
    ['stock', null, `g.k & ${IN_STOCK_BIT} <> 0`],
    ...CONDITIONS.map((c, i): [string, string, string] => ['condition', c, `g.k & ${conditionBit(i)} <> 0`]),
    ...RATINGS.map((r): [string, string, string] => ['rating', String(r), `(g.k >> ${RATING_SHIFT}) & 7 >= ${r}`]),
    ...[...PRICE_BOUNDS, null].map((_, bucket): [string, string, string] => ['price', String(bucket), `g.k >> ${PRICE_SHIFT} = ${bucket}`]),
  ];
  return {
    ctes: `${ctes},
     g AS (SELECT x.category_id, x.k, sum(x.n)::int AS n FROM (${groups}) x GROUP BY 1, 2)`,
    parts,
    rows: `${total(beyond)}, (SELECT coalesce(sum(g.n), 0)::int FROM g) AS count, NULL::json AS row
     UNION ALL
     SELECT v.kind, v.key, v.count, NULL::json AS row
       FROM (SELECT ${counts.map(([, , condition], i) => `coalesce(sum(g.n) FILTER (WHERE ${condition}), 0)::int AS c${i}`).join(', ')} FROM g) a
       CROSS JOIN LATERAL (VALUES ${counts
         .map(([kind, key], i) => `('${kind}', ${key === null ? 'NULL' : `'${key}'`}, a.c${i})`)
         .join(', ')}) AS v(kind, key, count)
      WHERE v.count > 0
     UNION ALL
     SELECT 'category', c.id::text, x.count, ${categoryJson('c')}
       FROM (SELECT a.id, sum(g.n)::int AS count
               FROM g JOIN category cat ON cat.id = g.category_id
               CROSS JOIN LATERAL unnest(string_to_array(cat.path, '/')) AS a(id)
              GROUP BY a.id) x
       JOIN category c ON c.id = x.id::uuid
     UNION ALL
     SELECT 'seller', s.id::text, x.count, ${narrowSellers ? narrowSellerJson('s') : sellerJson('s')}
       FROM (SELECT x.s, sum(x.n)::int AS count FROM (${sellers}) x
              GROUP BY x.s ORDER BY 2 DESC, x.s LIMIT ${MAX_SELLERS}) x
       JOIN seller s ON s.id = x.s`,
  };
}

/** What a counting statement counts: `facets` or the total alone, over at most `limit` candidates (README "Bounded work"). */
export interface TotalsShape {
  facets: boolean;
  limit: number;
  /** Narrow seller rows in the facets (search.resolver.ts). */
  narrowSellers?: boolean;
  /** Whether the tier walk is in (search-tiers.ts tiersInUse). */
  tiers?: boolean;
  /** The words' estimated matches (searchWhere): where the tier walk starts. */
  estimate?: string | null;
}

/** The 'total' row's kind and key: 'window' beyond the limit (candidatesSql `beyond`), else 'exact'. */
const total = (beyond: string) => `SELECT 'total' AS kind, CASE WHEN ${beyond} THEN 'window' ELSE 'exact' END AS key`;

/**
 * The facets of the rows `totalsSql(…, { facets: true, … })` returned; their categories and sellers are primed into the
 * loaders (a product's `category` on the same page then costs no statement). Narrow sellers (`narrowSellers`:
 * the operation's facet sellers select only what narrowSellerJson keeps) are not: a loader's other readers may
 * ask for any field.
 */
export function toFacets(ctx: Context, rows: FacetRow[], narrowSellers = false): SearchFacets {
  const of = (kind: FacetRow['kind']) => rows.filter((r) => r.kind === kind);
  const categoryCounts = new Map<string, number>();
  const categories = of('category').map((r) => {
    const category = toCategory(r.row as CategoryRow);
    ctx.loaders.primeCategory(category);
    categoryCounts.set(category.uuid, r.count);
    return category;
  });
  const sellers = of('seller').map((r) => {
    if (narrowSellers) return { seller: fromNarrowSellerJson(r.row as Parameters<typeof fromNarrowSellerJson>[0], true), count: r.count };
    const seller = toSeller(fromSellerJson(r.row as Parameters<typeof fromSellerJson>[0]));
    ctx.loaders.sellerById.prime(seller.uuid, seller);
    return { seller, count: r.count };
  });
  const currency = ctx.config.currency;
  const byCount = (a: { count: number }, b: { count: number }) => b.count - a.count;
  return {
    categories: categoryTree(categories, categoryCounts),
    // Ties in seller id order, as the statement chose the 50 (PostgreSQL orders uuids as their lower-case hex).
    sellers: sellers.sort((a, b) => byCount(a, b) || (a.seller.uuid < b.seller.uuid ? -1 : 1)),
    // Bucket 0 below the first bound, i between bounds i-1 and i, n from the last up.
    priceRanges: of('price')
      .map((r) => ({ bucket: Number(r.key), count: r.count }))
      .sort((a, b) => a.bucket - b.bucket)
      .map(({ bucket, count }) => {
        const min = bucket === 0 ? null : PRICE_BOUNDS[bucket - 1]!;
        const max = bucket === PRICE_BOUNDS.length ? null : PRICE_BOUNDS[bucket]!;
        return { min: min == null ? null : new Money(min, currency), max: max == null ? null : new Money(max, currency), count };
      }),
    conditions: of('condition')
      .map((r) => ({ condition: r.key as ListingCondition, count: r.count }))
      .sort(byCount),
    ratings: of('rating')
      .map((r) => ({ minRating: Number(r.key), count: r.count }))
      .sort((a, b) => b.minRating - a.minRating),
    inStock: of('stock')[0]?.count ?? 0,
    countsAreExact: isExact(rows),
  };
}

/** Whether the rows of `totalsSql` counted every match (false: the candidates beyond the limit, lower bounds). */
export const isExact = (rows: FacetRow[]): boolean => rows.find((r) => r.kind === 'total')!.key === 'exact';

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
