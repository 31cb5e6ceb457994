import type { TouchpointType } from './personalization.rows';

/**
 * How much one touchpoint says about interest in its category and seller (README, "Affinity"): a
 * purchase more than a cart, a cart more than a like, a like more than a view. The client's
 * LISTING_ADDED_TO_CART counts little because the server records the same act as CART_LINE_ADDED.
 */
export const AFFINITY_WEIGHT: Readonly<Record<TouchpointType, number>> = {
  PRODUCT_VIEWED: 1,
  SEARCH_PERFORMED: 0,
  LISTING_ADDED_TO_CART: 1,
  CART_VIEWED: 0,
  CHECKOUT_STARTED: 0,
  PRODUCT_LIKED: 2,
  PRODUCT_SHARED: 2,
  ORDER_PAID: 5,
  CART_LINE_ADDED: 3,
  ORDER_CANCELLED: 0,
};

/** SQL twin of AFFINITY_WEIGHT over `touchpoint_event e`, built from it so the two cannot disagree. */
export const AFFINITY_WEIGHT_SQL = `CASE e.type ${Object.entries(AFFINITY_WEIGHT)
  .map(([type, weight]) => `WHEN '${type}' THEN ${weight}`)
  .join(' ')} ELSE 0 END`;

/** The UTC day of a touchpoint: aggregates are per day, whatever the session's time zone. */
export const EVENT_DAY_SQL = `(e.occurred_at AT TIME ZONE 'UTC')::date`;
