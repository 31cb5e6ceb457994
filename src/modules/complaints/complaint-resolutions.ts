import type { Context, TxContext } from '../../core/context';
import { requireCustomer } from '../../auth/guards';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { putBackStock } from '../catalog';
import { placeReplacementOrder } from '../orders';
import { lockComplaint, readComplaint, sellerSideActor } from './complaint-access';
import { earlierRefund, issueComplaintRefund, toRefund } from './complaint-refund';
import { recordAction, requireTransition } from './complaint-transition';
import type { ComplaintNoteInput, ComplaintRefundInput, ComplaintReturnReceiveInput, ComplaintReturnStartInput } from './complaint.inputs';
import { RETURN_COLUMNS, toComplaint, type ComplaintRow, type ReturnRow } from './complaint.rows';
import { ComplaintResolution } from './complaint.type';

function checkKey(v: Validator, key: string): void {
  v.text('idempotencyKey', key, { max: 100 });
}

function checkNote(v: Validator, note: string | null | undefined, required = false): string | null {
  v.text('note', note, { required, max: 2000, multiline: true });
  return note?.trim() || null;
}

const reload = async (ctx: TxContext, c: ComplaintRow) => toComplaint(await readComplaint(ctx, c.id));

/**
 * `complaintRefund`: the seller (or the operator) refunds all or part of what was paid for the
 * complaint's lines (and, with `includeShipping`, the order's shipping), resolving the complaint unless `resolve` is false. Retried with the same key, it
 * answers the first refund whatever happened since, and moves no money.
 */
export async function refundComplaint(ctx: Context, input: ComplaintRefundInput) {
  const actor = sellerSideActor(ctx.viewer);
  const v = new Validator();
  checkKey(v, input.idempotencyKey);
  const note = checkNote(v, input.note);
  v.int('amount', input.amount, { min: 1 });
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const c = await lockComplaint(ctx, input.complaintId);
    const earlier = await earlierRefund(ctx, c.id, input.idempotencyKey);
    if (earlier) return { refund: toRefund(earlier), complaint: await reload(ctx, c) };
    const to = requireTransition(c, input.resolve ? 'resolve' : 'refund', actor);
    const { refund, fully } = await issueComplaintRefund(ctx, c, {
      amount: input.amount ?? null,
      key: input.idempotencyKey,
      actor,
      reason: note ?? 'Refund for a complaint',
      includeShipping: input.includeShipping,
    });
    const resolution = input.resolve ? (fully && input.amount == null ? ComplaintResolution.REFUND : ComplaintResolution.PARTIAL_REFUND) : null;
    await recordAction(ctx, c, { to, actor, note, resolution });
    return { refund: toRefund(refund), complaint: await reload(ctx, c) };
  });
}

/** `complaintReplace`: the same goods again, as a zero-priced order of the same seller taking stock. */
export async function replaceComplaint(ctx: Context, input: ComplaintNoteInput) {
  const actor = sellerSideActor(ctx.viewer);
  const v = new Validator();
  const note = checkNote(v, input.note);
  v.done();
  const { complaint, orderId } = await withTransaction(ctx, async (ctx) => {
    const c = await lockComplaint(ctx, input.complaintId);
    const to = requireTransition(c, 'resolve', actor);
    const orderId = await placeReplacementOrder(ctx, c.orderId, c.lines);
    await recordAction(ctx, c, { to, actor, note, resolution: ComplaintResolution.REPLACEMENT });
    return { complaint: await reload(ctx, c), orderId };
  });
  // Loaders read through the pool: the new order is there once committed.
  return { complaint, replacementOrder: (await ctx.loaders.orderById.load(orderId)) ?? undefined };
}

async function lockReturn(ctx: TxContext, complaintId: string): Promise<ReturnRow | null> {
  const [row]: ReturnRow[] = await ctx.tx.query(`SELECT ${RETURN_COLUMNS} FROM complaint_return r WHERE r.complaint_id = $1 FOR NO KEY UPDATE`, [complaintId]);
  return row ?? null;
}

/** `complaintReturnStart`: the seller tells the customer how to send the goods back (REQUESTED → INSTRUCTIONS_SENT). */
export async function startReturn(ctx: Context, input: ComplaintReturnStartInput) {
  const actor = sellerSideActor(ctx.viewer);
  const v = new Validator();
  v.text('instructions', input.instructions, { max: 2000, multiline: true });
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const c = await lockComplaint(ctx, input.complaintId);
    const to = requireTransition(c, 'startReturn', actor);
    const existing = await lockReturn(ctx, c.id);
    if (existing && existing.state !== 'requested') fail(null, `The return is already ${existing.state.toUpperCase()}.`, ErrorCode.INVALID_STATE);
    const now = ctx.now();
    await ctx.tx.query(
      `INSERT INTO complaint_return (complaint_id, state, instructions, requested_at, instructions_at) VALUES ($1, 'instructions_sent', $2, $3, $3)
       ON CONFLICT (complaint_id) DO UPDATE SET state = 'instructions_sent', instructions = $2, instructions_at = $3`,
      [c.id, input.instructions.trim(), now],
    );
    await recordAction(ctx, c, { to, actor, note: 'Return instructions sent' });
    return { complaint: await reload(ctx, c) };
  });
}

/**
 * `complaintReturnReceive`: the goods are back. They go back into stock (the catalog's stock owner), then
 * what was paid for them is refunded with its credit note, and the complaint is resolved. The key makes a
 * retry answer the first receipt.
 */
export async function receiveReturn(ctx: Context, input: ComplaintReturnReceiveInput) {
  const actor = sellerSideActor(ctx.viewer);
  const v = new Validator();
  checkKey(v, input.idempotencyKey);
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const c = await lockComplaint(ctx, input.complaintId);
    const earlier = await earlierRefund(ctx, c.id, input.idempotencyKey);
    if (earlier) return { refund: toRefund(earlier), complaint: await reload(ctx, c) };
    // The order before the listings, as every writer of both does (cancellations, credit notes).
    await tx.query('SELECT 1 FROM orders WHERE id = $1 FOR NO KEY UPDATE', [c.orderId]);
    const ret = await lockReturn(ctx, c.id);
    if (ret?.state !== 'instructions_sent') {
      fail(null, ret ? `The return is ${ret.state.toUpperCase()}, not awaiting the goods.` : 'The complaint has no return.', ErrorCode.INVALID_STATE);
    }
    const to = requireTransition(c, 'resolve', actor);
    const now = ctx.now();
    const lines: { listingId: string; quantity: number }[] = await tx.query(
      `SELECT ol.listing_id AS "listingId", cl.quantity FROM complaint_line cl JOIN order_line ol ON ol.id = cl.order_line_id WHERE cl.complaint_id = $1`,
      [c.id],
    );
    await putBackStock(ctx, lines);
    await tx.query(`UPDATE complaint_return SET state = 'received', received_at = $2 WHERE id = $1`, [ret.id, now]);
    await emit(ctx, 'return.received', { returnId: ret.id, complaintId: c.id, orderId: c.orderId, sellerId: c.sellerId, customerId: c.customerId });
    const { refund } = await issueComplaintRefund(ctx, c, { amount: null, key: input.idempotencyKey, actor, reason: 'Goods returned', includeShipping: input.includeShipping });
    await tx.query(`UPDATE complaint_return SET state = 'refunded', refunded_at = $2 WHERE id = $1`, [ret.id, now]);
    await recordAction(ctx, c, { to, actor, note: 'Return received and refunded', resolution: ComplaintResolution.RETURN_AND_REFUND });
    return { refund: toRefund(refund), complaint: await reload(ctx, c) };
  });
}

/** `complaintReject`: the seller (or the operator, deciding an escalation) refuses, saying why. */
export async function rejectComplaint(ctx: Context, input: ComplaintNoteInput) {
  const actor = sellerSideActor(ctx.viewer);
  const v = new Validator();
  const note = checkNote(v, input.note, true);
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const c = await lockComplaint(ctx, input.complaintId);
    const to = requireTransition(c, 'reject', actor);
    await recordAction(ctx, c, { to, actor, note });
    return { complaint: await reload(ctx, c) };
  });
}

/** `complaintEscalate`: the customer takes a rejection to the operator, once; the operator's decision is final. */
export async function escalateComplaint(ctx: Context, input: ComplaintNoteInput) {
  requireCustomer(ctx.viewer);
  const v = new Validator();
  const note = checkNote(v, input.note);
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const c = await lockComplaint(ctx, input.complaintId);
    const to = requireTransition(c, 'escalate', 'customer');
    if (c.escalatedAt) fail(null, 'The operator has decided this complaint already.', ErrorCode.INVALID_STATE);
    await recordAction(ctx, c, { to, actor: 'customer', note });
    return { complaint: await reload(ctx, c) };
  });
}
