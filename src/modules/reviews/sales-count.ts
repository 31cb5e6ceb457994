import type { AppServices } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { TRENDING_WEIGHTS, logAddSql, logSubtractSql, trendingTermSql } from './trending';

/**
 * Units sold of a product: the one definition (search copies it by trigger, see the migration
 * 1764275000000-sales-count-owner). An order's units count while it is PAID, FULFILLED or DELIVERED,
 * less those that came back in a complaint's return (received); a cancelled order counts nothing, and a
 * replacement sent for a complaint is no sale (zero-priced, no invoice). Money refunded while the buyer
 * keeps the goods (complaintRefund without a return) leaves them sold: a refund is an amount, not units.
 */
const WANTED_SQL = `
  SELECT ol.product_id, sum(greatest(ol.quantity - coalesce(r.units, 0), 0))::int AS units
    FROM orders o JOIN order_line ol ON ol.order_id = o.id
    LEFT JOIN LATERAL (
      SELECT sum(cl.quantity) AS units FROM complaint_line cl JOIN complaint_return cr ON cr.complaint_id = cl.complaint_id
       WHERE cl.order_line_id = ol.id AND cr.state IN ('received', 'refunded')
    ) r ON true
   WHERE o.id = $1 AND o.state IN ('paid', 'fulfilled', 'delivered') AND o.replaces_order_id IS NULL
   GROUP BY ol.product_id
  HAVING sum(greatest(ol.quantity - coalesce(r.units, 0), 0)) > 0`;

interface Change {
  productId: string;
  /** Units to count now (0: none). */
  wanted: number;
  delta: number;
}

/**
 * Brings an order's contribution to `product_popularity.sales_count` (and TRENDING, at the order's payment
 * time) to what the rule says now: hooks of `order.paid`, `order.cancelled` and `return.received`. What was
 * counted per order and product is kept (popularity_counted_sale), so the work is the order's lines, not the
 * product's sales, and a repeated, late or out-of-order delivery changes nothing that is already right.
 * Reconcilers of one order queue on its popularity_counted_order row and read the order after taking it,
 * so two of them never count the same change twice; the products are written in id order (no deadlock
 * cycles between orders).
 */
export async function reconcileOrderSales(app: Pick<AppServices, 'db' | 'events'>, orderId: string): Promise<void> {
  await withTransaction(app, async ({ tx }) => {
    await tx.query('INSERT INTO popularity_counted_order (order_id) VALUES ($1) ON CONFLICT (order_id) DO UPDATE SET counted_at = now()', [orderId]);
    const changes: Change[] = await tx.query(
      `SELECT coalesce(w.product_id, c.product_id) AS "productId", coalesce(w.units, 0) AS wanted, coalesce(w.units, 0) - coalesce(c.units, 0) AS delta
         FROM (${WANTED_SQL}) w
         FULL JOIN (SELECT product_id, units FROM popularity_counted_sale WHERE order_id = $1) c ON c.product_id = w.product_id
        WHERE coalesce(w.units, 0) <> coalesce(c.units, 0)
        ORDER BY 1`,
      [orderId],
    );
    if (!changes.length) return;
    await tx.query(
      `DELETE FROM popularity_counted_sale WHERE order_id = $1 AND product_id = ANY($2::uuid[])`,
      [orderId, changes.map((c) => c.productId)],
    );
    const kept = changes.filter((c) => c.wanted > 0);
    if (kept.length) {
      await tx.query('INSERT INTO popularity_counted_sale (order_id, product_id, units) SELECT $1::uuid, * FROM unnest($2::uuid[], $3::int[])', [
        orderId,
        kept.map((c) => c.productId),
        kept.map((c) => c.wanted),
      ]);
    }
    // A sale's TRENDING term is at the payment time, so taking units back subtracts exactly what they added.
    const term = (units: string) => trendingTermSql(`${TRENDING_WEIGHTS.sale} * abs(${units})`, '(SELECT paid_at FROM orders WHERE id = $1)');
    const added = changes.filter((c) => c.delta > 0);
    if (added.length) {
      await tx.query(
        `INSERT INTO product_popularity AS pp (product_id, sales_count, trending_score)
         SELECT d.product_id, d.delta, ${term('d.delta')} FROM unnest($2::uuid[], $3::int[]) d(product_id, delta) ORDER BY d.product_id
         ON CONFLICT (product_id) DO UPDATE SET sales_count = pp.sales_count + EXCLUDED.sales_count,
           trending_score = ${logAddSql('pp.trending_score', 'EXCLUDED.trending_score')}, updated_at = now()`,
        [orderId, added.map((c) => c.productId), added.map((c) => c.delta)],
      );
    }
    // Units taken back were counted, so their rows exist. An UPDATE, not the upsert: a CHECK is tested on the
    // row an INSERT proposes, before ON CONFLICT, and a negative count fails sales_count >= 0.
    const taken = changes.filter((c) => c.delta < 0);
    if (taken.length) {
      await tx.query(
        `UPDATE product_popularity pp SET sales_count = pp.sales_count + d.delta,
           trending_score = ${logSubtractSql('pp.trending_score', term('d.delta'))}, updated_at = now()
          FROM unnest($2::uuid[], $3::int[]) d(product_id, delta) WHERE pp.product_id = d.product_id`,
        [orderId, taken.map((c) => c.productId), taken.map((c) => c.delta)],
      );
    }
  });
}
