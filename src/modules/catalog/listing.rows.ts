import { Money } from '../../core/money';
import { toGlobalId } from '../../core/global-id';
import { selectList, type ColumnMap } from '../../db/column-map';
import type { Listing, ListingCondition, ListingStatus } from './listing.type';

export interface ListingRow {
  id: string;
  sellerId: string;
  variantId: string;
  productId: string;
  sku: string;
  price: number;
  compareAtPrice: number | null;
  currency: string;
  stock: number;
  condition: ListingCondition;
  handlingDays: number;
  status: ListingStatus;
  sellerRating: number;
  sellerShippingRate: number;
  sellerFreeShippingThreshold: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const listingColumns: ColumnMap<ListingRow> = {
  id: 'l.id',
  sellerId: 'l.seller_id',
  variantId: 'l.variant_id',
  productId: 'l.product_id',
  sku: 'l.sku',
  price: 'l.price',
  compareAtPrice: 'l.compare_at_price',
  currency: 'l.currency',
  stock: 'l.stock',
  condition: 'l.condition',
  handlingDays: 'l.handling_days',
  status: 'l.status',
  sellerRating: 's.rating::float8',
  sellerShippingRate: 's.shipping_rate',
  sellerFreeShippingThreshold: 's.free_shipping_threshold',
  createdAt: 'l.created_at',
  updatedAt: 'l.updated_at',
};

/** Selects a ListingRow from `listing l JOIN seller s`. */
export const LISTING_COLUMNS = selectList(listingColumns);

/** LISTING_COLUMNS' names, in their order (for rows read as arrays: db/row-values.ts). */
export const LISTING_FIELDS = Object.keys(listingColumns) as (keyof ListingRow & string)[];

/** What every narrow read (catalog-narrow-reads.ts) leaves out: no field it allows reads these. */
export const LISTING_NARROW_DROPPED: readonly (keyof ListingRow)[] = ['sku', 'compareAtPrice', 'status', 'createdAt', 'updatedAt'];

/**
 * What only the buy box's rules read (buy-box.ts: compareForBuyBox, buyBoxReason, landedPrice) of the fields a
 * narrow read allows, `condition` and `handlingDays` aside: a read whose rows SQL already ordered by buyBoxOrderSql
 * and that selects neither `offers` nor those two may leave them out (narrow-columns.ts).
 */
export const LISTING_BUY_BOX_COLUMNS: readonly (keyof ListingRow)[] = ['condition', 'handlingDays', 'sellerRating', 'sellerShippingRate', 'sellerFreeShippingThreshold'];

/**
 * Selects `fields` of a ListingRow again from `sub`, a subquery that selected LISTING_COLUMNS (and more, not
 * wanted), `replaced`'s expressions for theirs.
 */
export const listingColumnsOf = (sub: string, fields: readonly (keyof ListingRow)[], replaced: Partial<Record<keyof ListingRow, string>> = {}): string =>
  fields.map((field) => `${replaced[field] ?? `${sub}."${field}"`} AS "${field}"`).join(', ');

export function toListing(r: ListingRow): Listing {
  return listingOf(r, toGlobalId('Listing', r.id));
}

/** toListing for a narrow read whose operation selects no Listing `id` (catalog-narrow-reads.ts): left empty. */
export const toListingWithoutId = (r: ListingRow): Listing => listingOf(r, '');

function listingOf(r: ListingRow, id: string): Listing {
  return {
    __typename: 'Listing',
    id,
    uuid: r.id,
    sellerUuid: r.sellerId,
    variantUuid: r.variantId,
    productUuid: r.productId,
    sellerRating: r.sellerRating,
    sellerShippingRate: r.sellerShippingRate,
    sellerFreeShippingThreshold: r.sellerFreeShippingThreshold,
    sku: r.sku,
    price: new Money(r.price, r.currency),
    // Left out of a narrow read (LISTING_NARROW_DROPPED), which nothing reading this listing then selects.
    compareAtPrice: r.compareAtPrice == null ? null : new Money(r.compareAtPrice, r.currency),
    stock: r.stock,
    inStock: r.stock > 0,
    condition: r.condition,
    handlingDays: r.handlingDays,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
