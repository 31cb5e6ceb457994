import type { PrivacyHook } from '../../core/context';

/** The customer's carts with their lines; erasure empties them and forgets the contact and address. */
export const cartPrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    return ctx.db.query(
      `SELECT c.id, c.status, c.email, c.shipping_address AS "shippingAddress", c.created_at AS "createdAt",
              coalesce(json_agg(json_build_object('listingId', l.listing_id, 'quantity', l.quantity)) FILTER (WHERE l.id IS NOT NULL), '[]') AS lines
         FROM cart c LEFT JOIN cart_line l ON l.cart_id = c.id WHERE c.customer_id = $1 GROUP BY c.id ORDER BY c.created_at`,
      [customerId],
    );
  },
  async erase({ tx }, customerId) {
    await tx.query(`DELETE FROM cart_line WHERE cart_id IN (SELECT id FROM cart WHERE customer_id = $1)`, [customerId]);
    await tx.query(`UPDATE cart SET email = NULL, shipping_address = NULL, status = 'completed' WHERE customer_id = $1`, [customerId]);
  },
};
