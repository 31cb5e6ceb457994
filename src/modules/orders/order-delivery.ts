/**
 * Days goods travel once handed to the carrier, on top of the listings' handling days: the order's
 * expected delivery, which nothing records yet, is placed_at + the slowest line's handling + this.
 */
export const TRANSIT_DAYS = 5;

/**
 * The expected delivery of order `o` (an `orders o` row) as SQL: the date after which goods that never
 * arrived may be complained about (issue 11).
 */
export const EXPECTED_DELIVERY_SQL = `(o.placed_at + make_interval(days => ${TRANSIT_DAYS} + coalesce(
  (SELECT max(l.handling_days) FROM order_line ol JOIN listing l ON l.id = ol.listing_id WHERE ol.order_id = o.id), 0)))`;
