/** Domain events: dotted, past tense, with typed payloads (ids, not objects: consumers reload what they need). */
export interface EventPayloads {
  'order.placed': { orderId: string; checkoutId: string; sellerId: string; customerId: string; total: number; currency: string };
  /** total is what was charged; discountTotal the discounts (goods and shipping) it is net of. */
  'order.paid': { orderId: string; sellerId: string; customerId: string; total: number; discountTotal: number; currency: string };
  'order.fulfilled': { orderId: string; sellerId: string; customerId: string };
  'order.delivered': { orderId: string; sellerId: string; customerId: string };
  'order.cancelled': { orderId: string; sellerId: string; customerId: string; refunded: number; currency: string };
  'invoice.issued': { invoiceId: string; orderId: string; sellerId: string; number: string };
  'cart.updated': { cartId: string; customerId: string | null };
  /** Listings put into a cart (new lines or more of one): a server-side touchpoint. */
  'cart.lines_added': { cartId: string; customerId: string | null; listingIds: string[] };
  'customer.erased': { customerId: string };
  /** A consent changed value (customers/consent.service.ts); `kind` is the stored kind, e.g. 'personalization'. */
  'customer.consent_changed': { customerId: string; kind: string; granted: boolean };
  /**
   * A sign-up or login, in the transaction that brings the guest's cart along; `visitorId` is the verified
   * uuid of the anonymous visitor id the client sent, so the guest's touchpoints can join the customer.
   */
  'customer.signed_in': { customerId: string; visitorId: string | null; signedUp: boolean };
  /** Individual touchpoints of a consenting customer, one event per stored batch (personalization). */
  'touchpoint.recorded': { customerId: string; events: RecordedTouchpoint[] };
  'seller.suspended': { sellerId: string };
  'seller.reactivated': { sellerId: string };
  'complaint.opened': ComplaintEvent;
  'complaint.updated': ComplaintEvent;
  /** Closed: RESOLVED (refunded, replaced, returned) or REJECTED for good. */
  'complaint.resolved': ComplaintEvent & { resolution: string | null };
  'return.received': { returnId: string; complaintId: string; orderId: string; sellerId: string; customerId: string };
  'refund.issued': { refundId: string; complaintId: string; orderId: string; sellerId: string; customerId: string; amount: number; currency: string; creditNoteId: string };
  'review.created': { reviewId: string; productId: string; sellerId: string; customerId: string; rating: number };
  'review.updated': { reviewId: string; productId: string; sellerId: string; customerId: string; rating: number };
  /** A customer liked a product (a touchpoint: personalization and price-drop / back-in-stock offers read it). */
  'product.liked': { productId: string; customerId: string };
  'product.unliked': { productId: string; customerId: string };
  /** A promotion started running: created, updated or resumed into its window, or its startsAt came (promotions/promotion-start.ts). */
  'promotion.started': { promotionId: string; sellerId: string; targeted: boolean };
  /** An active promotion's targeting rule changed (promotionUpdate): the offer engine re-walks its audience. */
  'promotion.targeting_changed': { promotionId: string; sellerId: string; targeted: boolean };
  /** A listing's price went down (catalog): the offer engine tells those who viewed or liked its product. */
  'listing.price_dropped': { listingId: string; productId: string; sellerId: string; from: number; to: number; currency: string };
  /** A listing's stock went from 0 to more (a seller's setStock or adjustStock). */
  'listing.restocked': { listingId: string; productId: string; sellerId: string };
  /**
   * The offers one transaction made (offerCreateMany: one, or a promotion's page), one outbox row for all: each
   * whole (modules/offers/offer.rows.ts OfferRow, ISO dates once published), so delivery reads nothing.
   */
  'offers.created': { offers: CreatedOffer[] };
  'offer.redeemed': { offerId: string; customerId: string; promotionId: string | null };
}

/** One offer of `offers.created`, and what its customer's topic (`offers:<customerId>`) carries. */
export interface CreatedOffer {
  offerId: string;
  customerId: string;
  sequence: number;
  offer: object;
}

/** What every complaint event carries: enough for subscriptions to decide who hears of it. */
export interface ComplaintEvent {
  complaintId: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  state: string;
}

export type EventType = keyof EventPayloads;

/** One stored touchpoint as `touchpoint.recorded` carries it: database ids, ISO time. */
export interface RecordedTouchpoint {
  id: string;
  type: string;
  channel: string;
  occurredAt: string;
  productId: string | null;
  listingId: string | null;
  sellerId: string | null;
  categoryId: string | null;
}

export interface DomainEvent<T extends EventType = EventType> {
  /** Outbox row id: consumers deduplicate on it (delivery is at least once). */
  id: number;
  type: T;
  payload: EventPayloads[T];
  createdAt: Date;
}
