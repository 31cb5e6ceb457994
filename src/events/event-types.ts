/** Domain events: dotted, past tense, with typed payloads (ids, not objects: consumers reload what they need). */
export interface EventPayloads {
  'order.placed': { orderId: string; checkoutId: string; sellerId: string; customerId: string; total: number; currency: string };
  'order.paid': { orderId: string; sellerId: string; customerId: string; total: number; currency: string };
  'order.fulfilled': { orderId: string; sellerId: string; customerId: string };
  'order.delivered': { orderId: string; sellerId: string; customerId: string };
  'order.cancelled': { orderId: string; sellerId: string; customerId: string; refunded: number; currency: string };
  'invoice.issued': { invoiceId: string; orderId: string; sellerId: string; number: string };
  'cart.updated': { cartId: string; customerId: string | null };
  'customer.erased': { customerId: string };
  'seller.suspended': { sellerId: string };
  'seller.reactivated': { sellerId: string };
  /** The whole offer rides along (modules/offers/offer.rows.ts OfferRow, ISO dates once published): delivery reads nothing. */
  'offer.created': { offerId: string; customerId: string; sequence: number; offer: object };
  'offer.redeemed': { offerId: string; customerId: string; promotionId: string | null };
}

export type EventType = keyof EventPayloads;

export interface DomainEvent<T extends EventType = EventType> {
  /** Outbox row id: consumers deduplicate on it (delivery is at least once). */
  id: number;
  type: T;
  payload: EventPayloads[T];
  createdAt: Date;
}
