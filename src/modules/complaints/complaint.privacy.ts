import type { PrivacyHook } from '../../core/context';

/**
 * The customer's complaints with their threads. Erasure keeps each complaint, its history and its
 * refunds (they back credit notes the seller must keep), but not what the customer wrote or linked.
 */
export const complaintPrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    return ctx.db.query(
      `SELECT c.id, c.order_id AS "orderId", c.state, c.reason, c.description, c.desired_resolution AS "desiredResolution",
              c.resolution, c.attachments, c.opened_at AS "openedAt",
              (SELECT coalesce(json_agg(json_build_object('author', m.author_role, 'body', m.body, 'attachments', m.attachments, 'at', m.created_at)
                        ORDER BY m.created_at, m.id), '[]') FROM complaint_message m WHERE m.complaint_id = c.id) AS messages
         FROM complaint c WHERE c.customer_id = $1 ORDER BY c.opened_at`,
      [customerId],
    );
  },
  async erase({ tx }, customerId) {
    await tx.query(`UPDATE complaint SET description = '(erased)', attachments = '[]' WHERE customer_id = $1`, [customerId]);
    await tx.query(
      `UPDATE complaint_message m SET body = '(erased)', attachments = '[]' FROM complaint c
        WHERE c.id = m.complaint_id AND c.customer_id = $1 AND m.author_role = 'customer'`,
      [customerId],
    );
  },
};
