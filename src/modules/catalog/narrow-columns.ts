import type { NarrowRead } from './catalog-narrow-reads';

/**
 * Which groups of columns a narrow read (catalog-narrow-reads.ts) keeps, decided by what its operation selects:
 * the rest are left out of the select list. pg slices, decodes and often type-parses every non-null column
 * value: ~24% of a catalog page's CPU went there, for ~2,360 values a page. A few groups (not a column each), so
 * each statement has a few texts, each prepared once per connection (db/prepared-query.ts).
 */
export interface NarrowColumns {
  /** Product status, language, inStock, createdBySellerId, createdByPlugin: for those fields (the visibility check of a product read by slug keeps them itself). */
  productState: boolean;
  /** Product translatedLocales: what `title` reads to pick a translation (product-translations.ts). */
  productTitles: boolean;
  /** The product's category: none (no `category` selected: no join, categoryId NULL), its id and name only, or whole. */
  category: 'none' | 'brief' | 'whole';
  /** ProductVariant options; gtin and position. */
  variantOptions: boolean;
  variantDetails: boolean;
  /** Listing id (its global `id`). */
  listingIds: boolean;
  /** Listing condition, handlingDays and its seller's rating and shipping: what the buy box's rules and `offers` read (buy-box.ts). */
  listingBuyBox: boolean;
  /** Listing variantId: what a variant's `listings` picks them by. */
  listingVariants: boolean;
  /** The listings' sellers: id, slug and name only, or every field a narrow read allows (sellers/seller.rows.ts). */
  sellers: 'brief' | 'narrow';
}

const CATEGORY_BEYOND_NAME = ['slug', 'position', 'parent', 'children', 'ancestors'];
const SELLER_BEYOND_BRIEF = ['status', 'rating', 'ratingCount', 'shipping'];

/** Per NarrowRead (one per operation node): decided once per document. */
const known = new WeakMap<NarrowRead, NarrowColumns>();

export function narrowColumns(read: NarrowRead): NarrowColumns {
  let columns = known.get(read);
  if (columns) return columns;
  const any = (type: string, fields: readonly string[]) => fields.some((field) => read.selects(type, field));
  columns = {
    productState: any('Product', ['status', 'language', 'inStock']),
    productTitles: read.selects('Product', 'title'),
    category: !read.selects('Product', 'category') ? 'none' : any('Category', CATEGORY_BEYOND_NAME) ? 'whole' : 'brief',
    variantOptions: read.selects('ProductVariant', 'options'),
    variantDetails: any('ProductVariant', ['gtin', 'position']),
    listingIds: read.selects('Listing', 'id'),
    listingBuyBox: read.selects('Product', 'offers') || any('Listing', ['condition', 'handlingDays']),
    listingVariants: read.selects('ProductVariant', 'listings'),
    sellers: any('Seller', SELLER_BEYOND_BRIEF) ? 'narrow' : 'brief',
  };
  known.set(read, columns);
  return columns;
}
