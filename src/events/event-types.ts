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
  'complaint.opened': ComplaintEvent;
  'complaint.updated': ComplaintEvent;
  /** Closed: RESOLVED (refunded, replaced, returned) or REJECTED for good. */
  'complaint.resolved': ComplaintEvent & { resolution: string | null };
  'return.received': { returnId: string; complaintId: string; orderId: string; sellerId: string; customerId: string };
  'refund.issued': { refundId: string; complaintId: string; orderId: string; sellerId: string; customerId: string; amount: number; currency: string; creditNoteId: string };
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

export interface DomainEvent<T extends EventType = EventType> {
  /** Outbox row id: consumers deduplicate on it (delivery is at least once). */
  id: number;
  type: T;
  payload: EventPayloads[T];
  createdAt: Date;
}
