import { statementText } from '../../db/prepared-query';
import { toGlobalId } from '../../core/global-id';
import type { Locale } from '../../core/locale';
import type { ProductImage } from './catalog.entity';
import type { Product, ProductLanguage, ProductStatus } from './product.type';
import { categoryColumns } from './category.rows';

export interface ProductRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  categoryId: string | null;
  images: ProductImage[];
  attributes: Record<string, unknown>;
  status: ProductStatus;
  language: ProductLanguage;
  createdBySellerId: string | null;
  createdByPlugin: string | null;
  minPrice: number | null;
  maxPrice: number | null;
  inStock: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Null when it has none. */
  translatedLocales: Locale[] | null;
}

/** What a narrow read (catalog-narrow-reads.ts) keeps beyond id, slug, title and the prices (narrow-columns.ts). */
export interface ProductKept {
  /** status, language, inStock, createdBySellerId, createdByPlugin. */
  state: boolean;
  /** translatedLocales (what `title` reads). */
  titles: boolean;
  /** categoryId. */
  category: boolean;
}

const productColumns = (kept: ProductKept | null, omit = false) => {
  // A narrow read leaves description, images, attributes and the dates NULL (no field it allows reads them), and
  // the groups `kept` does not keep; `omit`: leaves them out of the select list (undefined in the row).
  const columns: string[] = [];
  const column = (keep: boolean, name: string, field: string) => {
    if (keep) columns.push(name === field ? `p.${name}` : `p.${name} AS "${field}"`);
    else if (!omit) columns.push(`NULL AS "${field}"`);
  };
  const whole = kept === null;
  const state = whole || kept.state;
  columns.push('p.id', 'p.slug', 'p.title');
  column(whole, 'description', 'description');
  column(whole || kept.category, 'category_id', 'categoryId');
  column(whole, 'images', 'images');
  column(whole, 'attributes', 'attributes');
  column(state, 'status', 'status');
  column(state, 'created_by_seller_id', 'createdBySellerId');
  column(state, 'created_by_plugin', 'createdByPlugin');
  columns.push('p.min_price AS "minPrice"', 'p.max_price AS "maxPrice"');
  column(state, 'language', 'language');
  column(state, 'in_stock', 'inStock');
  column(whole, 'created_at', 'createdAt');
  column(whole, 'updated_at', 'updatedAt');
  if (whole || kept.titles) columns.push(`NULLIF(ARRAY(SELECT t.locale FROM product_translation t WHERE t.product_id = p.id), '{}') AS "translatedLocales"`);
  else if (!omit) columns.push('NULL AS "translatedLocales"');
  return columns.join(', ');
};

export const PRODUCT_COLUMNS = productColumns(null);

/** PRODUCT_COLUMNS for a narrow read (catalog-narrow-reads.ts): NULL for description, images, attributes and the dates. */
export const PRODUCT_NARROW_COLUMNS = productColumns({ state: true, titles: true, category: true });

/**
 * PRODUCT_NARROW_COLUMNS without the columns no field reads and the groups `kept` leaves out (narrow-columns.ts),
 * not even as NULL (undefined in the row; an empty translatedLocales): at most 8 texts. On a catalog page, status,
 * language, inStock, the creator columns and the translations subquery are 6 of a product row's 18 values that the
 * page selects nothing of; and each column left out is one field description less for pg to parse per statement
 * and one key less in each row object it builds.
 */
export function productNarrowColumns(kept: ProductKept): string {
  return statementText(`catalog product columns ${kept.state} ${kept.titles} ${kept.category}`, () => productColumns(kept, true));
}

/**
 * A product read's category, joined (PRODUCT_CATEGORY_JOIN in the FROM, PRODUCT_CATEGORY_COLUMNS in the select) and
 * primed into categoryById by primeCategories (catalog.loaders.ts): a catalog page's or product page's `category`
 * then costs no statement.
 */
export const PRODUCT_CATEGORY_JOIN = 'LEFT JOIN category pc ON pc.id = p.category_id';
export const PRODUCT_CATEGORY_COLUMNS = categoryColumns('pc', 'category.');

/**
 * A narrow read's category (narrow-columns.ts), the select list's tail (leading comma) and the join: none when
 * the operation selects no `category` (pickCategoryRow then finds none), its id and name alone when it selects
 * nothing else of it (the rest undefined: primed for `productCategory` only), else whole.
 */
export function productCategoryColumns(category: 'none' | 'brief' | 'whole'): { columns: string; join: string } {
  if (category === 'none') return { columns: '', join: '' };
  return { columns: `, ${category === 'whole' ? PRODUCT_CATEGORY_COLUMNS : BRIEF_CATEGORY_COLUMNS}`, join: PRODUCT_CATEGORY_JOIN };
}

const BRIEF_CATEGORY_COLUMNS = categoryColumns('pc', 'category.', ['id', 'name']);

/** Most products have no translation: they share this list instead of pg parsing an empty array for each. */
const NO_TRANSLATIONS: readonly Locale[] = Object.freeze([]);

export function toProduct(r: ProductRow): Product {
  return productOf(r, toGlobalId('Product', r.id));
}

/** toProduct for a narrow read whose operation selects no Product `id` (catalog-narrow-reads.ts): left empty. */
export const toProductWithoutId = (r: ProductRow): Product => productOf(r, '');

function productOf(r: ProductRow, id: string): Product {
  return {
    __typename: 'Product',
    id,
    uuid: r.id,
    categoryUuid: r.categoryId,
    createdBySellerUuid: r.createdBySellerId,
    createdByPlugin: r.createdByPlugin,
    minPrice: r.minPrice,
    maxPrice: r.maxPrice,
    slug: r.slug,
    title: r.title,
    description: r.description,
    images: r.images,
    attributes: r.attributes,
    status: r.status,
    language: r.language,
    inStock: r.inStock,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    translatedLocales: r.translatedLocales ?? NO_TRANSLATIONS,
  };
}
