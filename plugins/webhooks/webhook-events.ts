import { toGlobalId, type DomainEvent } from '../../src/plugin';

/** `*`, an event type (`order.paid`, `co-creation.threshold-reached`) or a prefix (`order.*`). */
const PATTERN = /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?)$/;

export function isEventPattern(pattern: string): boolean {
  return pattern.length <= 100 && PATTERN.test(pattern);
}

export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** Payload keys holding ids of API objects, sent as the global IDs the API uses. */
const GLOBAL_IDS: Record<string, Parameters<typeof toGlobalId>[0]> = {
  orderId: 'Order',
  sellerId: 'Seller',
  invoiceId: 'Invoice',
  productId: 'Product',
  listingId: 'Listing',
};

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

function withoutContact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutContact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !CONTACT.test(key))
      .map(([key, v]) => [key, withoutContact(v, depth + 1)]),
  );
}

/** The event's payload as a seller's system sees it. */
export function webhookData(payload: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (WITHHELD.has(key) || CONTACT.test(key)) continue;
    const type = GLOBAL_IDS[key];
    data[key] = type && typeof value === 'string' ? toGlobalId(type, value) : withoutContact(value);
  }
  return data;
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
