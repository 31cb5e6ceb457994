import type { PrivacyHook } from '../../core/context';

/**
 * The promotions a customer used (GDPR export). Erasure keeps the redemptions: they are the sellers' budget
 * and limit accounting, tied to orders that are kept for the invoices, and point at the pseudonymised
 * customer row only; the codes they redeemed are unlinked from them.
 */
export const promotionPrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    return ctx.db.query(
      `SELECT p.name AS promotion, r.order_id AS "orderId", r.amount, r.code, r.created_at AS "redeemedAt", r.reversed_at AS "reversedAt"
         FROM promotion_redemption r JOIN promotion p ON p.id = r.promotion_id WHERE r.customer_id = $1 ORDER BY r.created_at`,
      [customerId],
    );
  },
  async erase({ tx }, customerId) {
    await tx.query('UPDATE promotion_code SET redeemed_by = NULL WHERE redeemed_by = $1', [customerId]);
  },
};
