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

const productColumns = (narrow: boolean) => {
  // A narrow read (catalog-narrow-reads.ts) leaves these NULL: no field it allows reads them.
  const dropped = (column: string, field: string) => (narrow ? `NULL AS "${field}"` : column === field ? `p.${column}` : `p.${column} AS "${field}"`);
  return `p.id, p.slug, p.title, ${dropped('description', 'description')}, p.category_id AS "categoryId", ${dropped('images', 'images')},
  ${dropped('attributes', 'attributes')}, p.status, p.created_by_seller_id AS "createdBySellerId", p.created_by_plugin AS "createdByPlugin",
  p.min_price AS "minPrice", p.max_price AS "maxPrice", p.language, p.in_stock AS "inStock",
  ${dropped('created_at', 'createdAt')}, ${dropped('updated_at', 'updatedAt')},
  NULLIF(ARRAY(SELECT t.locale FROM product_translation t WHERE t.product_id = p.id), '{}') AS "translatedLocales"`;
};

export const PRODUCT_COLUMNS = productColumns(false);

/** PRODUCT_COLUMNS for a narrow read (catalog-narrow-reads.ts): NULL for description, images, attributes and the dates. */
export const PRODUCT_NARROW_COLUMNS = productColumns(true);

/**
 * A product read's category, joined (PRODUCT_CATEGORY_JOIN in the FROM, PRODUCT_CATEGORY_COLUMNS in the select) and
 * primed into categoryById by primeCategories (catalog.loaders.ts): a catalog page's or product page's `category`
 * then costs no statement.
 */
export const PRODUCT_CATEGORY_JOIN = 'LEFT JOIN category pc ON pc.id = p.category_id';
export const PRODUCT_CATEGORY_COLUMNS = categoryColumns('pc', 'category.');

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
