import type { AppServices } from '../../core/context';
import { HOOK_TRANSACTION, withTransaction } from '../../db/transaction';
import { TRENDING_WEIGHTS, logAddSql, logSubtractSql, logSumSql, trendingTermSql } from './trending';

/**
 * Units sold of a product: the one definition (search copies it by trigger, see the migration
 * 1764275000000-sales-count-owner). An order's units count while it is PAID, FULFILLED or DELIVERED,
 * less those that came back in a complaint's return (received); a cancelled order counts nothing, and a
 * replacement sent for a complaint is no sale (zero-priced, no invoice). Money refunded while the buyer
 * keeps the goods (complaintRefund without a return) leaves them sold: a refund is an amount, not units.
 */
const WANTED_SQL = `
  SELECT o.id AS order_id, ol.product_id, sum(greatest(ol.quantity - coalesce(r.units, 0), 0))::int AS units
    FROM orders o JOIN order_line ol ON ol.order_id = o.id
    LEFT JOIN LATERAL (
      SELECT sum(cl.quantity) AS units FROM complaint_line cl JOIN complaint_return cr ON cr.complaint_id = cl.complaint_id
       WHERE cl.order_line_id = ol.id AND cr.state IN ('received', 'refunded')
    ) r ON true
   WHERE o.id = ANY($1::uuid[]) AND o.state IN ('paid', 'fulfilled', 'delivered') AND o.replaces_order_id IS NULL
   GROUP BY o.id, ol.product_id
  HAVING sum(greatest(ol.quantity - coalesce(r.units, 0), 0)) > 0`;

interface Change {
  orderId: string;
  productId: string;
  /** Units to count now (0: none). */
  wanted: number;
  delta: number;
}

/**
 * Rows of product_id, delta (summed over the changes' orders) and term: the log2 of the sum of the changes'
 * TRENDING terms, each at its order's payment time (a log-sum-exp over the top term: one product's row is
 * written once per statement, whatever the number of orders in the batch; one term alone is itself exactly).
 * $1–$3: the changes' order ids, product ids and deltas.
 */
const PER_PRODUCT_SQL = `
  SELECT t.product_id, sum(t.delta)::int AS delta, ${logSumSql('t.term', 't.top')} AS term
    FROM (SELECT d.product_id, d.delta, x.term, max(x.term) OVER (PARTITION BY d.product_id) AS top
            FROM unnest($1::uuid[], $2::uuid[], $3::int[]) d(order_id, product_id, delta)
            JOIN orders o ON o.id = d.order_id
            CROSS JOIN LATERAL (SELECT ${trendingTermSql(`${TRENDING_WEIGHTS.sale} * abs(d.delta)`, 'o.paid_at')} AS term) x) t
   GROUP BY t.product_id, t.top ORDER BY t.product_id`;

const columnsOf = (changes: Change[]) => [changes.map((c) => c.orderId), changes.map((c) => c.productId), changes.map((c) => c.delta)];

/**
 * Brings orders' contribution to `product_popularity.sales_count` (and TRENDING, at each order's payment
 * time) to what the rule says now: hooks of `order.paid`, `order.cancelled` and `return.received`, a dispatch
 * round's events in one transaction of at most six statements. What was counted per order and product is kept
 * (popularity_counted_sale), so the work is the orders' lines, not the products' sales, and a repeated, late or
 * out-of-order delivery changes nothing that is already right. Reconcilers of an order queue on its
 * popularity_counted_order row (taken in id order) and read the order after taking it, so two of them never
 * count the same change twice; the products' rows are locked in id order before they are written (no deadlock cycles between batches).
 */
export async function reconcileOrdersSales(app: Pick<AppServices, 'db' | 'events'>, orderIds: readonly string[]): Promise<void> {
  const ids = [...new Set(orderIds)].sort();
  if (!ids.length) return;
  await withTransaction(app, async ({ tx }) => {
    await tx.query('INSERT INTO popularity_counted_order (order_id) SELECT unnest($1::uuid[]) ON CONFLICT (order_id) DO UPDATE SET counted_at = now()', [ids]);
    const changes: Change[] = await tx.query(
      `SELECT coalesce(w.order_id, c.order_id) AS "orderId", coalesce(w.product_id, c.product_id) AS "productId",
              coalesce(w.units, 0) AS wanted, coalesce(w.units, 0) - coalesce(c.units, 0) AS delta
         FROM (${WANTED_SQL}) w
         FULL JOIN (SELECT order_id, product_id, units FROM popularity_counted_sale WHERE order_id = ANY($1::uuid[])) c
           ON c.order_id = w.order_id AND c.product_id = w.product_id
        WHERE coalesce(w.units, 0) <> coalesce(c.units, 0)
        ORDER BY 1, 2`,
      [ids],
    );
    if (!changes.length) return;
    // Every changed product's row, locked in id order before the two writes below (adds, then take-backs, each in
    // id order): two batches, or a batch and a single order's reconcile, then never hold each other's rows in
    // opposite orders (nor, through search's trigger on these rows, each other's search_product rows).
    // What is counted per order and product is written by the locking statement's CTEs (two round trips fewer,
    // bench/notes-events-cpu.md): the changes whose count goes to 0 deleted, the others upserted (disjoint keys,
    // the same rows as the delete-then-insert before). Those rows are the batch's orders' own, queued on their
    // popularity_counted_order rows above, so writing them after the product_popularity INSERT waits on no one.
    const products = [...new Set(changes.map((c) => c.productId))].sort();
    await tx.query('INSERT INTO product_popularity (product_id) SELECT unnest($1::uuid[]) ORDER BY 1 ON CONFLICT DO NOTHING', [products]);
    const kept = changes.filter((c) => c.wanted > 0);
    const gone = changes.filter((c) => c.wanted === 0);
    await tx.query(
      `WITH gone AS (DELETE FROM popularity_counted_sale s USING unnest($2::uuid[], $3::uuid[]) d(order_id, product_id)
                      WHERE s.order_id = d.order_id AND s.product_id = d.product_id),
            kept AS (INSERT INTO popularity_counted_sale AS s (order_id, product_id, units) SELECT * FROM unnest($4::uuid[], $5::uuid[], $6::int[])
                     ON CONFLICT (order_id, product_id) DO UPDATE SET units = EXCLUDED.units)
       SELECT 1 FROM product_popularity WHERE product_id = ANY($1::uuid[]) ORDER BY product_id FOR NO KEY UPDATE`,
      [
        products,
        gone.map((c) => c.orderId),
        gone.map((c) => c.productId),
        kept.map((c) => c.orderId),
        kept.map((c) => c.productId),
        kept.map((c) => c.wanted),
      ],
    );
    const added = changes.filter((c) => c.delta > 0);
    if (added.length) {
      await tx.query(
        `INSERT INTO product_popularity AS pp (product_id, sales_count, trending_score)
         SELECT product_id, delta, term FROM (${PER_PRODUCT_SQL}) d
         ON CONFLICT (product_id) DO UPDATE SET sales_count = pp.sales_count + EXCLUDED.sales_count,
           trending_score = ${logAddSql('pp.trending_score', 'EXCLUDED.trending_score')}, updated_at = now()`,
        columnsOf(added),
      );
    }
    // Units taken back were counted, so their rows exist. An UPDATE, not the upsert: a CHECK is tested on the
    // row an INSERT proposes, before ON CONFLICT, and a negative count fails sales_count >= 0. A sale's TRENDING
    // term is at the payment time, so taking units back subtracts exactly what they added.
    const taken = changes.filter((c) => c.delta < 0);
    if (taken.length) {
      await tx.query(
        `UPDATE product_popularity pp SET sales_count = pp.sales_count + d.delta,
           trending_score = ${logSubtractSql('pp.trending_score', 'd.term')}, updated_at = now()
          FROM (${PER_PRODUCT_SQL}) d WHERE pp.product_id = d.product_id`,
        columnsOf(taken),
      );
    }
  }, HOOK_TRANSACTION);
}
