/** Domain events: dotted, past tense, with typed payloads (ids, not objects: consumers reload what they need). */
export interface EventPayloads {
  'order.placed': { orderId: string; checkoutId: string; sellerId: string; customerId: string; total: number; currency: string };
  /** `discountTotal`: what discounts took off the order (minor units); absent means none. */
  'order.paid': { orderId: string; sellerId: string; customerId: string; total: number; currency: string; discountTotal?: number };
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
