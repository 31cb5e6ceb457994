import { toGlobalId, type DomainEvent, type EventPayloads, type EventType } from 'zoco/plugin';

type NodeType = Parameters<typeof toGlobalId>[0];

/** `*`, an event type (`order.paid`, `co-creation.proposal.approved`) or a prefix (`order.*`). */
const PATTERN = /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?)$/;

export function isEventPattern(pattern: string): boolean {
  return pattern.length <= 100 && PATTERN.test(pattern);
}

export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** The core events that reach a seller's plugins: those whose payload names the seller. */
type SellerEventType = { [T in EventType]: EventPayloads[T] extends { sellerId: string } ? T : never }[EventType];

/** Every one of them, checked by the compiler: a new core event with a sellerId must be listed here. */
const SELLER_EVENTS: Record<SellerEventType, true> = {
  'order.placed': true,
  'order.paid': true,
  'order.fulfilled': true,
  'order.delivered': true,
  'order.cancelled': true,
  'invoice.issued': true,
  'seller.suspended': true,
  'seller.reactivated': true,
  'complaint.opened': true,
  'complaint.updated': true,
  'complaint.resolved': true,
  'return.received': true,
  'refund.issued': true,
  'review.created': true,
  'review.updated': true,
  'promotion.started': true,
  'promotion.targeting_changed': true,
  'listing.price_dropped': true,
  'listing.restocked': true,
};

/** The event types an endpoint can receive here: the core's seller events and the plugins' declared ones (`emits`). */
export function knownEventTypes(plugins: Iterable<{ name: string; emits?: readonly string[] | undefined }>): string[] {
  const types = Object.keys(SELLER_EVENTS);
  for (const plugin of plugins) for (const name of plugin.emits ?? []) types.push(`${plugin.name}.${name}`);
  return types.sort();
}

/** The patterns among `patterns` that match none of the `known` event types (`*` always matches). */
export function unknownEventPatterns(patterns: readonly string[], known: readonly string[]): string[] {
  return patterns.filter((p) => p !== '*' && !known.some((type) => subscribes([p], type)));
}

/** Payload keys holding ids of API objects, sent as the global IDs the API uses. */
const GLOBAL_IDS: Record<string, NodeType> = {
  orderId: 'Order',
  sellerId: 'Seller',
  invoiceId: 'Invoice',
  productId: 'Product',
  listingId: 'Listing',
  variantId: 'ProductVariant',
  proposalId: 'CoCreationProposal',
  reviewId: 'Review',
  promotionId: 'Promotion',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids that would let sellers recognise the same buyer across sellers: the API never shows a seller
 * a customer's id, and a checkout spans sellers.
 */
const WITHHELD = new Set(['customerId', 'checkoutId']);

/**
 * A buyer's contact details (email, phone) reach a seller only with the buyer's consent and a key with
 * customers:read (issue 9); a webhook has neither, so no payload carries them, at any depth, whatever
 * an event adds later (`email`, `customerEmail`, `shippingAddress.phone` …).
 */
const CONTACT = /email|phone/i;

/**
 * A payload value as a seller's system sees it, at any depth: ids of API objects (GLOBAL_IDS) as global
 * IDs; withheld ids, contact details and any other raw uuid (an id the API never shows) left out.
 */
function sellerView(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.filter((v) => !(typeof v === 'string' && UUID.test(v))).map((v) => sellerView(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (WITHHELD.has(key) || CONTACT.test(key)) continue;
    const type = GLOBAL_IDS[key];
    if (typeof v === 'string' && UUID.test(v)) {
      if (type) out[key] = toGlobalId(type, v.toLowerCase());
      continue;
    }
    out[key] = sellerView(v, depth + 1);
  }
  return out;
}

/** The event's payload as a seller's system sees it. */
export function webhookData(payload: Record<string, unknown>): Record<string, unknown> {
  return sellerView(payload, 0) as Record<string, unknown>;
}

/** The JSON body POSTed for an event; the same bytes on every attempt. */
export function webhookBody(event: DomainEvent): string {
  return JSON.stringify({
    id: String(event.id),
    type: event.type,
    createdAt: new Date(event.createdAt).toISOString(),
    data: webhookData(event.payload as Record<string, unknown>),
  });
}
