import type { TxContext } from '../../core/context';
import type { EventPayloads } from '../../events/event-types';
import { opaqueParam, preparedTxQuery } from '../../db/prepared-query';

/**
 * In checkout's transaction, once the order is paid: one redemption per promotion that discounted it, from
 * the order's adjustments (the adjuster ran before the order had an id). The promotion rows are still
 * locked by the adjuster, so per-customer counts stay exact. An order without any discount has no
 * promotion adjustment (runAdjusters drops those of 0): no statement (issue 14: one per seller before).
 * `many`: every order of a checkout in one statement (issue 14: one per discounted order before).
 */
export const recordRedemptions = Object.assign(
  (ctx: TxContext, paid: EventPayloads['order.paid']) => recordRedemptionsOf(ctx, [paid]),
  { many: recordRedemptionsOf },
);

// `oa.order_id = ANY(…)` beside the join: without it the generic plan, made while order_adjustment looked empty
// (bench:checkout analyzes before any promotion ran), scanned the whole table per purchase as it grew. The arrays
// hidden from the planner (opaqueParam): seeing them, it planned the statement on every call (0.22 ms per buyNow).
async function recordRedemptionsOf({ tx }: TxContext, payloads: readonly EventPayloads['order.paid'][]): Promise<void> {
  const discounted = payloads.filter((p) => p.discountTotal !== 0);
  if (!discounted.length) return;
  await preparedTxQuery(
    tx,
    `INSERT INTO promotion_redemption (promotion_id, customer_id, order_id, amount, code)
     SELECT split_part(oa.reference, ':', 1)::uuid, x.customer_id, oa.order_id, sum(oa.amount), nullif(split_part(oa.reference, ':', 2), '')
       FROM unnest(${opaqueParam('$1', 'uuid[]')}, ${opaqueParam('$2', 'uuid[]')}) x(order_id, customer_id) JOIN order_adjustment oa ON oa.order_id = x.order_id
      WHERE oa.source = 'promotion' AND oa.order_id = ANY(${opaqueParam('$1', 'uuid[]')})
      GROUP BY oa.order_id, x.customer_id, split_part(oa.reference, ':', 1), split_part(oa.reference, ':', 2)
     ON CONFLICT (promotion_id, order_id) DO NOTHING`,
    [discounted.map((p) => p.orderId), discounted.map((p) => p.customerId)],
  );
}

/**
 * Cancelling an order gives back what its promotions spent (issue 10, our decision): the amount returns to
 * the budget, the use no longer counts against the customer's limit, and a single-use code can be used
 * again. The shopper paid the discounted price and is refunded that, so nothing else moves.
 */
export async function reverseRedemptions({ tx }: TxContext, { orderId }: EventPayloads['order.cancelled']): Promise<void> {
  const [reversed]: [{ promotionId: string; amount: number; code: string | null }[], number] = await tx.query(
    `UPDATE promotion_redemption SET reversed_at = now() WHERE order_id = $1 AND reversed_at IS NULL
     RETURNING promotion_id AS "promotionId", amount, code`,
    [orderId],
  );
  // Promotion rows in id order, as checkout locks them.
  for (const r of reversed.sort((a, b) => (a.promotionId < b.promotionId ? -1 : 1))) {
    await tx.query('UPDATE promotion SET budget_used = greatest(budget_used - $2, 0) WHERE id = $1 AND budget IS NOT NULL', [r.promotionId, r.amount]);
    if (r.code) await tx.query('UPDATE promotion_code SET redeemed_by = NULL, redeemed_at = NULL WHERE code = $1', [r.code]);
  }
}
