import type { TxContext } from '../../core/context';
import { listingOfferedSql } from './listing-visibility';

/**
 * Recomputes the denormalised price range and stock flag of products from their visible listings
 * (offered listings: see listing-visibility.ts). Call it in the transaction that changed the listings.
 */
export async function refreshPrices({ tx }: Pick<TxContext, 'tx'>, productIds: readonly string[]): Promise<void> {
  if (!productIds.length) return;
  const ids = [...new Set(productIds)].sort();
  // Lock first, then aggregate in a new statement: under READ COMMITTED the aggregate then sees every
  // listing change committed by a transaction that held the lock before us, so the last writer is right.
  await tx.query('SELECT 1 FROM product WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE', [ids]);
  await tx.query(
    `UPDATE product p SET min_price = a.min_price, max_price = a.max_price, in_stock = a.in_stock
       FROM (SELECT p2.id, min(l.price) AS min_price, max(l.price) AS max_price,
                    coalesce(bool_or(l.stock > 0), false) AS in_stock
               FROM product p2
               LEFT JOIN (listing l JOIN seller s ON s.id = l.seller_id)
                 ON l.product_id = p2.id AND ${listingOfferedSql({ listing: 'l', seller: 's' })}
              WHERE p2.id = ANY($1)
              GROUP BY p2.id) a
      WHERE p.id = a.id`,
    [ids],
  );
}

export async function refreshPricesOfSeller(ctx: TxContext, sellerId: string): Promise<void> {
  const rows: { productId: string }[] = await ctx.tx.query(
    'SELECT DISTINCT product_id AS "productId" FROM listing WHERE seller_id = $1',
    [sellerId],
  );
  await refreshPrices(
    ctx,
    rows.map((r) => r.productId),
  );
}
