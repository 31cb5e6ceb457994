import type { Context } from '../../core/context';
import { requireCustomer } from '../../auth/guards';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { EXPECTED_DELIVERY_SQL } from '../orders';
import { checkAttachments } from './complaint-attachments';
import { readComplaint } from './complaint-access';
import { slaMs } from './complaint-transition';
import type { ComplaintOpenInput } from './complaint.inputs';
import { toComplaint } from './complaint.rows';
import { ComplaintResolution } from './complaint.type';

const MAX_LINES = 100;
const DAY_MS = 86_400_000;

interface LockedOrder {
  id: string;
  sellerId: string;
  customerId: string;
  state: string;
  deliveredAt: Date | null;
  expectedDeliveryAt: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The window (issue 11): from delivery, or when goods never arrived from their expected delivery, for
 * `complaintWindowDays`. Before the expected delivery of goods on their way there is nothing to complain of yet.
 */
function checkWindow(ctx: Context, order: LockedOrder): void {
  const now = ctx.clock().getTime();
  const windowMs = ctx.config.complaintWindowDays * DAY_MS;
  if (order.state === 'placed' || order.state === 'cancelled') {
    fail('orderId', `An order in state ${order.state.toUpperCase()} cannot be complained about.`, ErrorCode.INVALID_STATE);
  }
  const from = order.deliveredAt ?? order.expectedDeliveryAt;
  if (!order.deliveredAt && now < from.getTime()) {
    fail('orderId', `The order is expected by ${day(from)}; complain if it has not arrived by then.`, ErrorCode.COMPLAINT_WINDOW_CLOSED);
  }
  if (now > from.getTime() + windowMs) {
    fail('orderId', `Complaints close ${ctx.config.complaintWindowDays} days after ${order.deliveredAt ? 'delivery' : 'the expected delivery'} (${day(from)}).`, ErrorCode.COMPLAINT_WINDOW_CLOSED);
  }
}

/** The units complained about: all of every line when none are named, else each named once and within what was bought. */
function pickLines(input: ComplaintOpenInput, bought: { id: string; quantity: number }[]): { orderLineId: string; quantity: number }[] {
  if (!input.lines?.length) return bought.map((l) => ({ orderLineId: l.id, quantity: l.quantity }));
  const v = new Validator();
  const seen = new Set<string>();
  const picked = input.lines.map((l, i) => {
    const uuid = idOf(l.orderLineId, 'OrderLine');
    const line = uuid ? bought.find((b) => b.id === uuid) : undefined;
    if (!uuid) v.check(false, `lines.${i}.orderLineId`, 'orderLineId is not a valid OrderLine ID.', ErrorCode.INVALID_ID);
    else if (!line) v.check(false, `lines.${i}.orderLineId`, 'The order has no such line.', ErrorCode.NOT_FOUND);
    else if (seen.has(uuid)) v.check(false, `lines.${i}.orderLineId`, 'The line is named twice.', ErrorCode.INVALID);
    else if (!Number.isInteger(l.quantity) || l.quantity < 1) v.check(false, `lines.${i}.quantity`, 'quantity must be at least 1.', ErrorCode.INVALID);
    else if (l.quantity > line.quantity) {
      v.check(false, `lines.${i}.quantity`, `Only ${line.quantity} of this line were bought.`, ErrorCode.QUANTITY_EXCEEDS_ORDERED);
    }
    if (uuid) seen.add(uuid);
    return { orderLineId: uuid ?? '', quantity: l.quantity };
  });
  v.done();
  return picked;
}

/** `complaintOpen`: the order's customer, within the window, once per order line. */
export async function openComplaint(ctx: Context, input: ComplaintOpenInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  v.text('description', input.description, { max: 4000, multiline: true });
  v.check((input.lines?.length ?? 0) <= MAX_LINES, 'lines', `lines holds at most ${MAX_LINES} lines.`, ErrorCode.LIMIT_EXCEEDED);
  const attachments = checkAttachments(v, 'attachments', input.attachments);
  v.done();
  const orderId = idOf(input.orderId, 'Order');
  if (!orderId) fail('orderId', 'orderId is not a valid Order ID.', ErrorCode.INVALID_ID);
  const complaint = await withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    // The order's lock serialises complaints on it: two at once can't both take the same line.
    const [order]: LockedOrder[] = await tx.query(
      `SELECT o.id, o.seller_id AS "sellerId", o.customer_id AS "customerId", o.state, o.delivered_at AS "deliveredAt",
              ${EXPECTED_DELIVERY_SQL} AS "expectedDeliveryAt"
         FROM orders o WHERE o.id = $1 FOR NO KEY UPDATE`,
      [orderId],
    );
    if (!order || order.customerId !== customerId) fail('orderId', 'Order not found.', ErrorCode.NOT_FOUND);
    checkWindow(ctx, order);
    const bought: { id: string; quantity: number }[] = await tx.query(`SELECT id, quantity FROM order_line WHERE order_id = $1 ORDER BY position, id`, [orderId]);
    const lines = pickLines(input, bought);
    const taken: { id: string }[] = await tx.query(`SELECT order_line_id AS id FROM complaint_line WHERE order_line_id = ANY($1::uuid[])`, [
      lines.map((l) => l.orderLineId),
    ]);
    if (taken.length) fail('lines', 'There is already a complaint about these goods: add to its thread instead.', ErrorCode.ALREADY_COMPLAINED);
    const now = ctx.clock();
    const [{ id }]: { id: string }[] = await tx.query(
      `INSERT INTO complaint (order_id, seller_id, customer_id, state, reason, description, desired_resolution, attachments, seller_due_at, opened_at, updated_at)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
      [orderId, order.sellerId, customerId, input.reason, input.description.trim(), input.desiredResolution, JSON.stringify(attachments), new Date(now.getTime() + slaMs(ctx)), now],
    );
    await tx.query(`INSERT INTO complaint_line (complaint_id, order_line_id, quantity) SELECT $1, x.id, x.q FROM unnest($2::uuid[], $3::int[]) AS x(id, q)`, [
      id,
      lines.map((l) => l.orderLineId),
      lines.map((l) => l.quantity),
    ]);
    await tx.query(`INSERT INTO complaint_transition (complaint_id, from_state, to_state, actor_role, at) VALUES ($1, NULL, 'open', 'customer', $2)`, [id, now]);
    if (input.desiredResolution === ComplaintResolution.RETURN_AND_REFUND) {
      await tx.query(`INSERT INTO complaint_return (complaint_id, state, requested_at) VALUES ($1, 'requested', $2)`, [id, now]);
    }
    await emit(ctx, 'complaint.opened', { complaintId: id, orderId, sellerId: order.sellerId, customerId, state: 'open' });
    return toComplaint(await readComplaint(ctx, id));
  });
  return { complaint };
}
