import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { ErrorCode, forbidden } from '../../core/errors';
import { requireSeller, requireSellerOrAdmin } from '../../auth/guards';
import type { SellerScope } from '../../auth/viewer';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { emit } from '../../events/outbox';
import { putBackStock } from '../catalog';
import { issueCreditNote } from '../invoices';
import { recordRefund } from '../payments';
import { nextState, type OrderAction } from './order-state';
import { ORDER_COLUMNS, toOrder, type OrderRow } from './order.rows';
import type { Order } from './order.type';
import { canSeeOrder } from './order.service';
import type { OrderCancelInput, OrderFulfillInput } from './order.inputs';

/** Locks the order and checks the viewer may do `action` to it in its current state. */
async function lockOrder(ctx: TxContext, globalId: string, action: OrderAction, scope: SellerScope): Promise<Order> {
  const { tx } = ctx;
  const uuid = idOf(globalId, 'Order');
  if (!uuid) fail('id', 'id is not a valid Order ID.', ErrorCode.INVALID_ID);
  const rows: OrderRow[] = await tx.query(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 FOR NO KEY UPDATE`, [uuid]);
  const order = rows[0] ? toOrder(rows[0]) : null;
  if (!order || !canSeeOrder(ctx.viewer, order, scope)) fail('id', 'Order not found.', ErrorCode.NOT_FOUND);
  if (!nextState(order.state, action)) {
    fail('id', `An order in state ${order.state.toUpperCase()} cannot be ${action === 'fulfil' ? 'fulfilled' : `${action}ed`}.`, ErrorCode.INVALID_STATE);
  }
  return order;
}

async function reload({ tx }: TxContext, uuid: string): Promise<Order> {
  const rows: OrderRow[] = await tx.query(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1`, [uuid]);
  return toOrder(rows[0]!);
}

function requireSellerViewer(ctx: Context): void {
  if (ctx.viewer.kind !== 'seller' && ctx.viewer.kind !== 'admin') throw forbidden('Only the seller of the order can do this.');
  requireSellerOrAdmin(ctx.viewer, 'orders:fulfil');
}

export async function fulfilOrder(ctx: Context, input: OrderFulfillInput) {
  requireSellerViewer(ctx);
  const v = new Validator();
  v.text('carrier', input.carrier, { max: 60 });
  v.text('trackingNumber', input.trackingNumber, { max: 100 });
  v.done();
  const order = await withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const order = await lockOrder(ctx, input.id, 'fulfil', 'orders:fulfil');
    await tx.query(
      `UPDATE orders SET state = 'fulfilled', carrier = $2, tracking_number = $3, fulfilled_at = now() WHERE id = $1`,
      [order.uuid, input.carrier.trim(), input.trackingNumber.trim()],
    );
    await emit(ctx, 'order.fulfilled', { orderId: order.uuid, sellerId: order.sellerUuid, customerId: order.customerUuid });
    return reload(ctx, order.uuid);
  });
  return { order };
}

export async function markDelivered(ctx: Context, globalId: string) {
  requireSellerViewer(ctx);
  const order = await withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const order = await lockOrder(ctx, globalId, 'deliver', 'orders:fulfil');
    await tx.query(`UPDATE orders SET state = 'delivered', delivered_at = now() WHERE id = $1`, [order.uuid]);
    await emit(ctx, 'order.delivered', { orderId: order.uuid, sellerId: order.sellerUuid, customerId: order.customerUuid });
    return reload(ctx, order.uuid);
  });
  return { order };
}

/**
 * Cancels before fulfilment (by its customer or its seller): stock goes back, the order's amount is
 * refunded through the provider, and its invoice is corrected by a credit note. The refund is asked
 * for last, so a failed refund rolls the cancellation back and nothing is half-done.
 */
export async function cancelOrder(ctx: Context, input: OrderCancelInput) {
  if (ctx.viewer.kind === 'seller') requireSeller(ctx.viewer, 'orders:refund');
  const v = new Validator();
  v.text('reason', input.reason, { required: false, max: 500, multiline: true });
  v.done();
  const order = await withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const order = await lockOrder(ctx, input.id, 'cancel', 'orders:refund');
    const lines: { listingId: string; quantity: number }[] = await tx.query(
      `SELECT listing_id AS "listingId", quantity FROM order_line WHERE order_id = $1 ORDER BY listing_id`,
      [order.uuid],
    );
    await putBackStock(ctx, lines);
    await tx.query(
      `UPDATE orders SET state = 'cancelled', cancel_reason = $2, cancelled_by = $3, cancelled_at = now() WHERE id = $1`,
      [order.uuid, input.reason?.trim() || null, ctx.viewer.kind],
    );
    await issueCreditNote(ctx, order.uuid, { reason: input.reason?.trim() || 'Order cancelled' });
    const refund = await recordRefund(ctx, order.checkoutUuid, order.total.amount);
    await emit(ctx, 'order.cancelled', {
      orderId: order.uuid,
      sellerId: order.sellerUuid,
      customerId: order.customerUuid,
      refunded: refund?.amount ?? 0,
      currency: order.total.currency,
    });
    if (refund) {
      const provider = ctx.payments.get(refund.provider);
      if (!provider) throw new Error(`payment provider ${refund.provider} is not configured`);
      await provider.refund(refund.reference, refund.amount, `refund_${order.uuid}`);
    }
    return reload(ctx, order.uuid);
  });
  return { order };
}
