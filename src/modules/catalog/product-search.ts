import type { Context } from '../../core/context';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { requireIdOf } from '../../core/global-id';
import { preparedQuery } from '../../db/prepared-query';
import { badInput } from '../../core/errors';
import { ProductSort, type ProductFilter } from './catalog.inputs';
import { primeCategories } from './catalog.loaders';
import { categoriesUnderSql } from './category.rows';
import { listingBuyableSql, listingVisibleSql } from './listing-visibility';
import { PRODUCT_COLUMNS, productCategoryColumns, productNarrowColumns, toProduct, toProductWithoutId, type ProductRow } from './product.rows';
import { narrowColumns } from './narrow-columns';
import { readAhead, type ProductReads } from './product-reads';
import { ProductStatus } from './product.type';

const MAX_SAFE = '9007199254740991';

/** Keyset order per sort: the key expression (with the id as tie-breaker) and how to compare cursors. */
const orders: Record<ProductSort, { key: string; cast: string; desc: boolean }> = {
  [ProductSort.NEWEST]: { key: 'p.created_at', cast: 'timestamptz', desc: true },
  [ProductSort.PRICE_ASC]: { key: `coalesce(p.min_price, ${MAX_SAFE})`, cast: 'bigint', desc: false },
  [ProductSort.PRICE_DESC]: { key: 'coalesce(p.min_price, -1)', cast: 'bigint', desc: true },
  [ProductSort.TITLE]: { key: 'lower(p.title)', cast: 'text', desc: false },
  // product_popularity is the reviews module's (likes, sales, trending score): read here, written there.
  [ProductSort.MOST_LIKED]: { key: 'coalesce(pp.like_count, 0)', cast: 'int', desc: true },
  [ProductSort.TRENDING]: { key: "coalesce(pp.trending_score, '-Infinity')", cast: 'float8', desc: true },
};

const POPULARITY_SORTS: ReadonlySet<ProductSort> = new Set([ProductSort.MOST_LIKED, ProductSort.TRENDING]);

interface Page {
  first: number;
  after?: string;
  filter?: ProductFilter;
  sort: ProductSort;
}

/**
 * The storefront's product list: active products, filtered and sorted, one SQL statement per page; then the
 * page's variants and listings as far as `reads` asks for them (product-reads.ts).
 */
export async function searchProducts(ctx: Context, { first, after, filter = {}, sort }: Page, reads: ProductReads) {
  checkPageSize(first);
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = [`p.status = '${ProductStatus.ACTIVE}'`];

  // The category and its descendants; the page is read category by category (below).
  let categories: string | null = null;
  if (filter.category) {
    const categoryId = requireIdOf(filter.category, 'Category', 'filter.category');
    categories = categoriesUnderSql(`ARRAY[${param(categoryId)}]::uuid[]`);
    where.push('p.category_id = cat.id');
  }
  if (filter.priceMin != null && filter.priceMax != null && filter.priceMin > filter.priceMax) {
    throw badInput('priceMin must not exceed priceMax.', 'filter.priceMin');
  }
  const listingConditions: string[] = [];
  if (filter.seller) listingConditions.push(`l.seller_id = ${param(requireIdOf(filter.seller, 'Seller', 'filter.seller'))}`);
  if (filter.priceMin != null) listingConditions.push(`l.price >= ${param(filter.priceMin)}`);
  if (filter.priceMax != null) listingConditions.push(`l.price <= ${param(filter.priceMax)}`);
  if (filter.condition) listingConditions.push(`l.condition = ${param(filter.condition)}`);
  const aliases = { listing: 'l', seller: 's', product: 'p' };
  if (filter.inStock === true && !listingConditions.length) where.push('p.in_stock');
  if (filter.inStock === false) where.push('NOT p.in_stock');
  if (listingConditions.length) {
    // Some one listing must be visible (buyable when inStock is asked) and meet every listing condition.
    const rule = filter.inStock === true ? listingBuyableSql(aliases) : listingVisibleSql(aliases);
    // Implied by it, and read from the product row: the product's price range covers its visible listings'
    // prices (pricing.ts), so a product entirely outside the asked range is skipped without reading listings.
    if (filter.priceMin != null) where.push(`p.max_price >= ${param(filter.priceMin)}`);
    if (filter.priceMax != null) where.push(`p.min_price <= ${param(filter.priceMax)}`);
    where.push(`EXISTS (SELECT 1 FROM listing l JOIN seller s ON s.id = l.seller_id
      WHERE l.product_id = p.id AND ${rule} AND ${listingConditions.join(' AND ')})`);
  }

  const order = orders[sort];
  const direction = order.desc ? 'DESC' : 'ASC';
  if (after) {
    const { key, id } = decodeKeyset(after);
    where.push(`(${order.key}, p.id) ${order.desc ? '<' : '>'} (${param(key)}::${order.cast}, ${param(id)}::uuid)`);
  }
  const limit = param(first + 1);
  // Which products, in order: read from the sort index alone where it can be (its INCLUDE columns carry what
  // the filters read: product_*_idx), so the products a filter skips cost no read of their rows.
  const ids = `SELECT p.id, ${order.key} AS "orderKey", (${order.key})::text AS "sortKey" FROM product p
      ${POPULARITY_SORTS.has(sort) ? 'LEFT JOIN product_popularity pp ON pp.product_id = p.id' : ''}
      WHERE ${where.join(' AND ')}
      ORDER BY ${order.key} ${direction}, p.id ${direction}
      LIMIT ${limit}`;
  const sorted = (from: string) => `${from} ORDER BY page."orderKey" ${direction}, page.id ${direction}`;
  // A category page: each category's first page (one range of product_category_*_idx each), merged. Filtering
  // the whole catalog's order by category, or sorting all of a category's products, cost as much as the
  // catalog or the category is big (bench/RESULTS.md, section `growth`).
  const page = categories ? `(${sorted(`SELECT page.* FROM (${categories}) cat CROSS JOIN LATERAL (${ids}) page`)} LIMIT ${limit})` : `(${ids})`;
  const { narrow } = reads;
  // A narrow read that selects no cursor (catalog-narrow-reads.ts) leaves them empty: a JSON text, a Buffer and
  // its base64 per product (~2% of what a catalog page allocated); and reads no sort keys.
  const cursors = !narrow || narrow.selects('ProductEdge', 'cursor') || narrow.selects('PageInfo', 'startCursor') || narrow.selects('PageInfo', 'endCursor');
  const kept = narrow && narrowColumns(narrow);
  const category = productCategoryColumns(kept ? kept.category : 'whole');
  const columns = kept ? productNarrowColumns({ state: kept.productState, titles: kept.productTitles, category: kept.category !== 'none' }) : PRODUCT_COLUMNS;
  const sql = sorted(`SELECT ${columns}${category.columns}${cursors ? ', page."sortKey"' : ''}
      FROM ${page} page JOIN product p ON p.id = page.id ${category.join}`);
  // One text per filter combination, category count, sort and narrowness (a few per narrow read: narrow-columns.ts):
  // a bounded set, prepared once per connection.
  const rows = await preparedQuery<ProductRow & { sortKey: string }>(ctx.db, sql, params);
  primeCategories(ctx.loaders, rows, !kept || kept.category === 'whole');
  const toNode = narrow && !narrow.selects('Product', 'id') ? toProductWithoutId : toProduct;
  const connection = toConnection(rows, first, cursors ? (r) => encodeCursor([r.sortKey, r.id]) : () => '', toNode);
  await readAhead(ctx, connection.nodes.map((p) => p.uuid), reads);
  return connection;
}
