import { addToList } from '../../core/batch';
import type { DataSource } from 'typeorm';
import type { AppServices } from '../../core/context';
import { HOOK_TRANSACTION, withTransaction } from '../../db/transaction';
import { MIN_SUPPORT, PURCHASES, addToBaskets, recountFromItems } from './co-occurrence';

/**
 * "Customers who bought this also bought" (issue 12), item-to-item in the manner of Linden, Smith and York
 * (Amazon.com recommendations, IEEE Internet Computing 2003): not customers compared with customers, but
 * products with the products bought with them (the counts and the similarity: co-occurrence.ts).
 *
 * A basket is a checkout: its orders with different sellers are one purchase; a product counts once per basket.
 * Incremental: each paid order (outbox `order.paid`, at least once) adds its products to its checkout's basket,
 * once per order (basket_counted_order), and refreshes the top lists of the basket's products. The similarity
 * of a pair also moves when n(b) grows through other baskets; a's list catches up the next time a is bought,
 * or at `zoco recommendations --rebuild` (rebuildCoPurchases), which recomputes everything from the orders.
 *
 * A dispatch round's `order.paid` events come as one batch: one read of their lines, then one transaction
 * for all their baskets (addToBaskets: the same statements for one checkout or fifty; the orders of one
 * checkout, with different sellers, counted together). Per order before: eleven statements each.
 */
export async function countPaidOrders(app: Pick<AppServices, 'db' | 'events'>, orderIds: readonly string[]): Promise<void> {
  const ids = [...new Set(orderIds)];
  // Bounded work per transaction: a basket's pairs grow with the square of its products, and the rows of the
  // best sellers it touches stay locked until commit, with other dispatchers' batches waiting on them.
  for (let i = 0; i < ids.length; i += ORDERS_PER_TRANSACTION) await countPaidOrderChunk(app, ids.slice(i, i + ORDERS_PER_TRANSACTION));
}

/** Paid orders counted per transaction of countPaidOrders (a dispatch round brings up to 500). */
const ORDERS_PER_TRANSACTION = 100;

async function countPaidOrderChunk(app: Pick<AppServices, 'db' | 'events'>, orderIds: readonly string[]): Promise<void> {
  const lines: { orderId: string; checkoutId: string; productId: string }[] = await app.db.query(
    `SELECT DISTINCT o.id AS "orderId", o.checkout_id AS "checkoutId", ol.product_id AS "productId"
       FROM orders o JOIN order_line ol ON ol.order_id = o.id WHERE o.id = ANY($1::uuid[]) AND o.paid_at IS NOT NULL
      ORDER BY 2, 1`,
    [orderIds],
  );
  if (!lines.length) return;
  await withTransaction(app, async ({ tx }) => {
    const fresh: { orderId: string }[] = await tx.query(
      'INSERT INTO basket_counted_order (order_id) SELECT DISTINCT unnest($1::uuid[]) ORDER BY 1 ON CONFLICT DO NOTHING RETURNING order_id AS "orderId"',
      [lines.map((l) => l.orderId)],
    );
    const counted = new Set(fresh.map((r) => r.orderId));
    const baskets = new Map<string, string[]>();
    for (const l of lines) if (counted.has(l.orderId)) addToList(baskets, l.checkoutId, l.productId);
    await addToBaskets(tx, PURCHASES, baskets);
  }, HOOK_TRANSACTION);
}

/**
 * Recomputes every table of co-purchase from the paid orders, in one REPEATABLE READ transaction (TRUNCATE
 * locks the tables first, then one snapshot: an order is either in the rebuild or counted by its hook
 * afterwards, never both, never neither).
 */
export async function rebuildCoPurchases(db: DataSource, { minSupport = MIN_SUPPORT } = {}): Promise<{ baskets: number; pairs: number }> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    await tx.query('TRUNCATE basket_counted_order, basket_item, product_basket_count, product_pair, also_bought');
    await tx.query('INSERT INTO basket_counted_order (order_id) SELECT id FROM orders WHERE paid_at IS NOT NULL');
    await tx.query(
      `INSERT INTO basket_item (checkout_id, product_id)
       SELECT DISTINCT o.checkout_id, ol.product_id FROM orders o JOIN order_line ol ON ol.order_id = o.id WHERE o.paid_at IS NOT NULL`,
    );
    await recountFromItems(tx, PURCHASES, minSupport);
    const [{ baskets }] = await tx.query('SELECT count(DISTINCT checkout_id)::int AS baskets FROM basket_item');
    const [{ pairs }] = await tx.query('SELECT count(*)::int AS pairs FROM product_pair');
    return { baskets, pairs };
  });
}
