import type { TxContext } from '../../core/context';

/** Order states whose units count as sold (placed and cancelled ones don't). */
const SOLD_STATES = `('paid', 'fulfilled', 'delivered')`;

/**
 * Recomputes the units sold of an order's products from their order lines, after the order was paid or
 * cancelled (a hook of `order.paid` and `order.cancelled`, delivered at least once): a recount, not an
 * increment, so a repeated or late delivery is right whatever ran before.
 */
export async function refreshSalesOfOrder(ctx: Pick<TxContext, 'tx'>, orderId: string): Promise<void> {
  await ctx.tx.query(
    `UPDATE search_product sp SET sales_count = s.sold
       FROM (SELECT ol.product_id, coalesce(sum(ol2.quantity) FILTER (WHERE o.state IN ${SOLD_STATES}), 0)::int AS sold
               FROM (SELECT DISTINCT product_id FROM order_line WHERE order_id = $1) ol
               JOIN order_line ol2 ON ol2.product_id = ol.product_id
               JOIN orders o ON o.id = ol2.order_id
              GROUP BY ol.product_id) s
      WHERE sp.product_id = s.product_id AND sp.sales_count <> s.sold`,
    [orderId],
  );
}
