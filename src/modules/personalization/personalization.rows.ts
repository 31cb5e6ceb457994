/**
 * Tables from migrations/1764100000000-personalization.ts (CONTRACTS.md section A: the promotions and
 * offers modules read them). Individual rows exist only for customers with the personalization consent.
 */

/** Touchpoints a client reports (the GraphQL enum TouchpointEventType). */
export const CLIENT_EVENT_TYPES = [
  'PRODUCT_VIEWED',
  'SEARCH_PERFORMED',
  'LISTING_ADDED_TO_CART',
  'CART_VIEWED',
  'CHECKOUT_STARTED',
  'PRODUCT_LIKED',
  'PRODUCT_SHARED',
] as const;
/** Touchpoints the server records from its own events (through the outbox). */
export const SERVER_EVENT_TYPES = ['ORDER_PAID', 'CART_LINE_ADDED', 'ORDER_CANCELLED'] as const;

export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number];
export type TouchpointType = ClientEventType | (typeof SERVER_EVENT_TYPES)[number];
export type TouchpointChannel = 'WEB' | 'MOBILE' | 'STORE' | 'SERVER';

/** One row of `touchpoint_event`. */
export interface TouchpointEventRow {
  id: string;
  customerId: string | null;
  visitorId: string | null;
  clientEventId: string | null;
  type: TouchpointType;
  channel: TouchpointChannel;
  occurredAt: Date;
  receivedAt: Date;
  productId: string | null;
  listingId: string | null;
  sellerId: string | null;
  categoryId: string | null;
  searchText: string | null;
  source: 'client' | 'server';
  orderId: string | null;
  amount: number | null;
  discount: number | null;
}

/** Selects a TouchpointEventRow from `touchpoint_event e`. */
export const TOUCHPOINT_EVENT_COLUMNS = `e.id, e.customer_id AS "customerId", e.visitor_id AS "visitorId",
  e.client_event_id AS "clientEventId", e.type, e.channel, e.occurred_at AS "occurredAt", e.received_at AS "receivedAt",
  e.product_id AS "productId", e.listing_id AS "listingId", e.seller_id AS "sellerId", e.category_id AS "categoryId",
  e.search_text AS "searchText", e.source, e.order_id AS "orderId", e.amount::float8 AS amount, e.discount::float8 AS discount`;

/** One row of `customer_trait`: the traits evaluated at `updatedAt` (their reference time). */
export interface CustomerTraitRow {
  customerId: string;
  lastOrderAt: Date | null;
  orders365: number;
  monetary365: number;
  avgOrderValue: number;
  predictedValue12m: number;
  churnRisk: number;
  priceSensitivity: number;
  lastSeenAt: Date | null;
  /** Share of the last 90 days' events per channel, e.g. { WEB: 0.75, MOBILE: 0.25 }. */
  channelMix: Record<string, number>;
  updatedAt: Date;
}

/** Selects a CustomerTraitRow from `customer_trait t`. */
export const CUSTOMER_TRAIT_COLUMNS = `t.customer_id AS "customerId", t.last_order_at AS "lastOrderAt", t.orders_365 AS "orders365",
  t.monetary_365::float8 AS "monetary365", t.avg_order_value::float8 AS "avgOrderValue",
  t.predicted_value_12m::float8 AS "predictedValue12m", t.churn_risk AS "churnRisk", t.price_sensitivity AS "priceSensitivity",
  t.last_seen_at AS "lastSeenAt", t.channel_mix AS "channelMix", t.updated_at AS "updatedAt"`;

/** A row of `customer_category_affinity` or `customer_seller_affinity`: a share of decayed interest, 0–1. */
export interface AffinityRow {
  customerId: string;
  /** The category's or seller's id. */
  targetId: string;
  score: number;
}

/** The aggregates traits are evaluated from (per customer), as the evaluation reads them. */
export interface OrderFactRow {
  orderId: string;
  paidAt: Date;
  total: number;
  discount: number;
  cancelled: boolean;
}

export interface DayWeightRow {
  targetId: string;
  day: string;
  weight: number;
}

export interface ChannelDayRow {
  channel: string;
  day: string;
  events: number;
}
