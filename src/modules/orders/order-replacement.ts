import type { TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { takeStock } from '../catalog';

/** Units of one line of the original order to send again. */
export interface ReplacementLine {
  orderLineId: string;
  quantity: number;
}

/**
 * Places a replacement (issue 11): a new order of the same seller to the same customer and address,
 * zero-priced and already PAID (nothing is owed, so the seller fulfils it like any other), with the
 * given units of the original's lines, taking them from stock. It belongs to the original's checkout
 * and names the order it replaces. No invoice: nothing is sold.
 */
export async function placeReplacementOrder(ctx: TxContext, orderId: string, lines: readonly ReplacementLine[]): Promise<string> {
  const { tx } = ctx;
  const source: { listingId: string; id: string }[] = await tx.query(
    `SELECT ol.id, ol.listing_id AS "listingId" FROM order_line ol WHERE ol.order_id = $1 AND ol.id = ANY($2::uuid[])`,
    [orderId, lines.map((l) => l.orderLineId)],
  );
  const wanted = lines.map((l) => {
    const line = source.find((s) => s.id === l.orderLineId);
    if (!line) throw new Error(`order line ${l.orderLineId} is not a line of order ${orderId}`);
    return { listingId: line.listingId, quantity: l.quantity };
  });
  const listingIds = [...new Set(wanted.map((w) => w.listingId))].sort();
  // The stock owner's rule: lock the listings in id order, check under the lock, then take.
  const stock: { id: string; stock: number }[] = await tx.query(
    `SELECT id, stock FROM listing WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
    [listingIds],
  );
  for (const id of listingIds) {
    const need = wanted.filter((w) => w.listingId === id).reduce((n, w) => n + w.quantity, 0);
    if ((stock.find((s) => s.id === id)?.stock ?? 0) < need) fail(null, 'Not enough stock left to send a replacement.', ErrorCode.INSUFFICIENT_STOCK);
  }
  const [order]: { id: string; checkoutId: string; sellerId: string; customerId: string; currency: string }[] = await tx.query(
    `INSERT INTO orders (checkout_id, seller_id, customer_id, state, currency, subtotal, shipping, tax, total, shipping_address, paid_at, replaces_order_id)
     SELECT checkout_id, seller_id, customer_id, 'paid', currency, 0, 0, 0, 0, shipping_address, now(), id FROM orders WHERE id = $1
     RETURNING id, checkout_id AS "checkoutId", seller_id AS "sellerId", customer_id AS "customerId", currency`,
    [orderId],
  );
  await tx.query(
    `INSERT INTO order_line (order_id, listing_id, product_id, variant_id, title, variant_title, sku, quantity, unit_price, total, tax_class, position)
     SELECT $1, ol.listing_id, ol.product_id, ol.variant_id, ol.title, ol.variant_title, ol.sku, x.quantity, 0, 0, ol.tax_class, ol.position
       FROM unnest($2::uuid[], $3::int[]) AS x(id, quantity) JOIN order_line ol ON ol.id = x.id`,
    [order!.id, lines.map((l) => l.orderLineId), lines.map((l) => l.quantity)],
  );
  await takeStock(ctx, wanted);
  await emit(ctx, 'order.placed', {
    orderId: order!.id,
    checkoutId: order!.checkoutId,
    sellerId: order!.sellerId,
    customerId: order!.customerId,
    total: 0,
    currency: order!.currency,
  });
  return order!.id;
}
