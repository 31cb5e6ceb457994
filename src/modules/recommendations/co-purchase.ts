import type { DataSource, EntityManager } from 'typeorm';
import type { AppServices } from '../../core/context';
import { withTransaction } from '../../db/transaction';

/**
 * "Customers who bought this also bought" (issue 12), item-to-item in the manner of Linden, Smith and York
 * (Amazon.com recommendations, IEEE Internet Computing 2003): not customers compared with customers, but
 * products with the products bought with them.
 *
 * - A basket is a checkout: its orders with different sellers are one purchase. A product counts once per basket.
 * - n(a): baskets with a (product_basket_count); n(a, b): baskets with both (product_pair, stored both ways).
 * - similarity(a, b) = n(a, b) / √(n(a) × n(b)) (cosine of the products' basket vectors), only for pairs seen
 *   in at least MIN_SUPPORT baskets: raw counts would recommend the best-sellers for everything, and a single
 *   co-occurrence is noise.
 * - also_bought keeps each product's TOP_N by similarity, among its CANDIDATES most frequent partners, so a
 *   lookup reads at most TOP_N rows by primary key whatever the catalog's size. Visibility is applied on read.
 *
 * Incremental: each paid order (outbox `order.paid`, at least once) adds its products to its checkout's basket,
 * once per order (basket_counted_order), and refreshes the top lists of the basket's products. The similarity
 * of a pair also moves when n(b) grows through other baskets; a's list catches up the next time a is bought,
 * or at `zoco recommendations --rebuild` (rebuildCoPurchases), which recomputes everything from the orders.
 */
export const MIN_SUPPORT = 2;
export const TOP_N = 20;
export const CANDIDATES = 500;

/** Recomputes the top lists of `productIds` from the pair counts. */
async function refreshTopLists(tx: EntityManager | DataSource, productIds: readonly string[] | null, minSupport: number): Promise<void> {
  const all = productIds === null;
  await tx.query(all ? 'DELETE FROM also_bought' : 'DELETE FROM also_bought WHERE product_id = ANY($1)', all ? [] : [productIds]);
  await tx.query(
    `INSERT INTO also_bought (product_id, rank, other_id, co_count, score)
     SELECT a, rank, b, count, score FROM (
       SELECT x.product_id AS a, pp.b, pp.count, (pp.count / sqrt(x.baskets::float8 * cb.baskets))::real AS score,
              row_number() OVER (PARTITION BY x.product_id
                ORDER BY pp.count / sqrt(x.baskets::float8 * cb.baskets) DESC, pp.count DESC, pp.b) AS rank
         FROM product_basket_count x
         CROSS JOIN LATERAL (SELECT p.b, p.count FROM product_pair p WHERE p.a = x.product_id AND p.count >= $1
                              ORDER BY p.count DESC, p.b LIMIT ${CANDIDATES}) pp
         JOIN product_basket_count cb ON cb.product_id = pp.b
        WHERE ${all ? 'true' : 'x.product_id = ANY($2)'}
     ) ranked WHERE rank <= ${TOP_N}`,
    all ? [minSupport] : [minSupport, productIds],
  );
}

/** Adds one paid order to its checkout's basket, once. */
export async function countPaidOrder(app: Pick<AppServices, 'db' | 'events'>, orderId: string): Promise<void> {
  await withTransaction(app, async ({ tx }) => {
    const fresh = await tx.query('INSERT INTO basket_counted_order (order_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1', [orderId]);
    if (!fresh.length) return;
    const [order]: { checkoutId: string }[] = await tx.query(
      'SELECT checkout_id AS "checkoutId" FROM orders WHERE id = $1 AND paid_at IS NOT NULL',
      [orderId],
    );
    if (!order) return;
    // One basket is extended by one order at a time (its orders' hooks may run side by side).
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 12))', [order.checkoutId]);
    const lines: { productId: string; isNew: boolean }[] = await tx.query(
      `SELECT DISTINCT ol.product_id AS "productId",
              NOT EXISTS (SELECT 1 FROM basket_item bi WHERE bi.checkout_id = $2 AND bi.product_id = ol.product_id) AS "isNew"
         FROM order_line ol WHERE ol.order_id = $1`,
      [orderId, order.checkoutId],
    );
    const added = lines.filter((l) => l.isNew).map((l) => l.productId).sort();
    if (!added.length) return;
    const before: string[] = (
      await tx.query('SELECT product_id AS "productId" FROM basket_item WHERE checkout_id = $1 ORDER BY product_id', [order.checkoutId])
    ).map((r: { productId: string }) => r.productId);
    await tx.query('INSERT INTO basket_item (checkout_id, product_id) SELECT $1, unnest($2::uuid[])', [order.checkoutId, added]);
    await tx.query(
      `INSERT INTO product_basket_count AS c (product_id, baskets) SELECT unnest($1::uuid[]), 1
       ON CONFLICT (product_id) DO UPDATE SET baskets = c.baskets + 1`,
      [added],
    );
    // New pairs: each added product with each earlier one, and the added ones among themselves, once.
    const as: string[] = [];
    const bs: string[] = [];
    const pair = (a: string, b: string) => {
      as.push(a, b);
      bs.push(b, a);
    };
    added.forEach((a, i) => {
      for (const b of before) pair(a, b);
      for (const b of added.slice(i + 1)) pair(a, b);
    });
    if (as.length) {
      await tx.query(
        `INSERT INTO product_pair AS p (a, b, count)
         SELECT a, b, count(*)::int FROM unnest($1::uuid[], $2::uuid[]) n(a, b) GROUP BY a, b ORDER BY a, b
         ON CONFLICT (a, b) DO UPDATE SET count = p.count + EXCLUDED.count`,
        [as, bs],
      );
    }
    await refreshTopLists(tx, [...before, ...added], MIN_SUPPORT);
  });
}

/**
 * Recomputes every table of co-purchase from the paid orders, in one REPEATABLE READ transaction (TRUNCATE
 * locks the tables first, then one snapshot: an order is either in the rebuild or counted by its hook afterwards, never both, never neither).
 */
export async function rebuildCoPurchases(db: DataSource, { minSupport = MIN_SUPPORT } = {}): Promise<{ baskets: number; pairs: number }> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    await tx.query('TRUNCATE basket_counted_order, basket_item, product_basket_count, product_pair, also_bought');
    await tx.query('INSERT INTO basket_counted_order (order_id) SELECT id FROM orders WHERE paid_at IS NOT NULL');
    await tx.query(
      `INSERT INTO basket_item (checkout_id, product_id)
       SELECT DISTINCT o.checkout_id, ol.product_id FROM orders o JOIN order_line ol ON ol.order_id = o.id WHERE o.paid_at IS NOT NULL`,
    );
    await recountFromBaskets(tx, minSupport);
    const [{ baskets }] = await tx.query('SELECT count(DISTINCT checkout_id)::int AS baskets FROM basket_item');
    const [{ pairs }] = await tx.query('SELECT count(*)::int AS pairs FROM product_pair');
    return { baskets, pairs };
  });
}

/** Counts, pairs and top lists from basket_item as it stands (the rebuild's second half; bench/also-bought.ts). */
export async function recountFromBaskets(tx: EntityManager, minSupport = MIN_SUPPORT): Promise<void> {
  await tx.query('TRUNCATE product_basket_count, product_pair, also_bought');
  await tx.query('INSERT INTO product_basket_count (product_id, baskets) SELECT product_id, count(*) FROM basket_item GROUP BY product_id');
  await tx.query(
    `INSERT INTO product_pair (a, b, count)
     SELECT x.product_id, y.product_id, count(*) FROM basket_item x
       JOIN basket_item y ON y.checkout_id = x.checkout_id AND y.product_id <> x.product_id
      GROUP BY x.product_id, y.product_id`,
  );
  await refreshTopLists(tx, null, minSupport);
}
