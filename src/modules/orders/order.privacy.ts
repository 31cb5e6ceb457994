import type { PrivacyHook } from '../../core/context';

/** The customer's orders with their lines; erasure keeps each order but not who received it where. */
export const orderPrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    return ctx.db.query(
      `SELECT o.id, s.name AS seller, o.state, o.currency, o.total, o.shipping_address AS "shippingAddress", o.placed_at AS "placedAt",
              (SELECT json_agg(json_build_object('title', ol.title, 'variant', ol.variant_title, 'quantity', ol.quantity, 'unitPrice', ol.unit_price) ORDER BY ol.position)
                 FROM order_line ol WHERE ol.order_id = o.id) AS lines
         FROM orders o JOIN seller s ON s.id = o.seller_id WHERE o.customer_id = $1 ORDER BY o.placed_at`,
      [customerId],
    );
  },
  async erase({ tx }, customerId) {
    // Orders keep what bookkeeping and statistics need (country, postcode), not who or where exactly.
    await tx.query(
      `UPDATE orders SET shipping_address = jsonb_build_object('name', 'Erased customer', 'country', shipping_address->>'country',
              'postalCode', shipping_address->>'postalCode', 'line1', '', 'line2', NULL, 'city', '', 'region', NULL, 'phone', NULL)
        WHERE customer_id = $1`,
      [customerId],
    );
  },
};
