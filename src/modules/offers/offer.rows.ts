import { Money } from '../../core/money';
import { toGlobalId } from '../../core/global-id';
import type { Offer, OfferState } from './offer.type';

/** A row of `offer` as the module reads it (migration 1764170000000). */
export interface OfferRow {
  id: string;
  customerId: string;
  sequence: number;
  trigger: string;
  promotionId: string | null;
  productId: string | null;
  listingId: string | null;
  discountPercent: number | null;
  discountAmount: number | null;
  currency: string | null;
  /** Since migration 1764270000001; an event published before it has none (false). */
  freeShipping?: boolean;
  reason: string;
  state: OfferState;
  createdAt: Date;
  expiresAt: Date;
}

/** `o` is the offer table's alias. */
export const OFFER_COLUMNS = `o.id, o.customer_id AS "customerId", o.sequence, o.trigger, o.promotion_id AS "promotionId",
  o.product_id AS "productId", o.listing_id AS "listingId", o.discount_percent AS "discountPercent",
  o.discount_amount AS "discountAmount", o.currency, o.free_shipping AS "freeShipping", o.reason, o.state, o.created_at AS "createdAt", o.expires_at AS "expiresAt"`;

/** A subscription cursor is the offer's per-customer sequence, opaque to clients. */
export const encodeOfferCursor = (sequence: number): string => Buffer.from(`offer:${sequence}`).toString('base64url');

/** The sequence inside a cursor we issued, or null. Bounded before decoding. */
export function decodeOfferCursor(cursor: string): number | null {
  if (cursor.length > 40) return null;
  const match = /^offer:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

/** Rows come from SQL (Dates) or from a published event (ISO strings): both map to the same Offer. */
export function toOffer(row: OfferRow): Offer {
  return {
    __typename: 'Offer',
    id: toGlobalId('Offer', row.id),
    uuid: row.id,
    customerUuid: row.customerId,
    sequence: Number(row.sequence),
    cursor: encodeOfferCursor(Number(row.sequence)),
    trigger: row.trigger as Offer['trigger'],
    promotionId: row.promotionId,
    productUuid: row.productId,
    listingUuid: row.listingId,
    discount: {
      percent: row.discountPercent,
      amount: row.discountAmount != null && row.currency ? new Money(Number(row.discountAmount), row.currency) : null,
      freeShipping: row.freeShipping === true,
    },
    reason: row.reason,
    state: row.state,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
  };
}
