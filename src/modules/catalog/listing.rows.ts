import { Money } from '../../core/money';
import { toGlobalId } from '../../core/global-id';
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

/** Selects a ListingRow from `listing l JOIN seller s`. */
export const LISTING_COLUMNS = `l.id, l.seller_id AS "sellerId", l.variant_id AS "variantId", l.product_id AS "productId",
  l.sku, l.price, l.compare_at_price AS "compareAtPrice", l.currency, l.stock, l.condition,
  l.handling_days AS "handlingDays", l.status, s.rating::float8 AS "sellerRating",
  s.shipping_rate AS "sellerShippingRate", s.free_shipping_threshold AS "sellerFreeShippingThreshold",
  l.created_at AS "createdAt", l.updated_at AS "updatedAt"`;

export function toListing(r: ListingRow): Listing {
  return {
    __typename: 'Listing',
    id: toGlobalId('Listing', r.id),
    uuid: r.id,
    sellerUuid: r.sellerId,
    variantUuid: r.variantId,
    productUuid: r.productId,
    sellerRating: r.sellerRating,
    sellerShippingRate: r.sellerShippingRate,
    sellerFreeShippingThreshold: r.sellerFreeShippingThreshold,
    sku: r.sku,
    price: new Money(r.price, r.currency),
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
