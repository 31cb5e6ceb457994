import type { TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { Money } from '../../core/money';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { issueRefundCreditNote } from '../invoices';
import { refundPayment } from '../payments';
import type { ActorRole } from './complaint-state';
import type { ComplaintRow, RefundRow } from './complaint.rows';
import type { ComplaintActorRole, ComplaintRefund } from './complaint.type';

/** Refunds per complaint: partial refunds come in a few steps, not hundreds (bounded lists, issue 9). */
export const MAX_REFUNDS = 50;

interface RefundableLine {
  /** null: the order's shipping. */
  orderLineId: string | null;
  quantity: number;
  /** What is left to refund of what was paid for the complained units. */
  left: number;
}

export const toRefund = (r: RefundRow): ComplaintRefund => ({
  id: r.id,
  amount: new Money(r.amount, r.currency),
  actorRole: r.actorRole as ComplaintActorRole,
  createdAt: r.createdAt,
  creditNoteUuid: r.creditNoteId,
});

export const REFUND_COLUMNS = `r.id, r.complaint_id AS "complaintId", r.amount, o.currency, r.credit_note_id AS "creditNoteId",
  r.actor_role AS "actorRole", r.created_at AS "createdAt"`;

/** The refund made earlier under this key for this complaint, if any: a retry answers it. */
export async function earlierRefund(ctx: TxContext, complaintId: string, key: string): Promise<RefundRow | null> {
  const [row]: RefundRow[] = await ctx.tx.query(
    `SELECT ${REFUND_COLUMNS} FROM complaint_refund r JOIN complaint c ON c.id = r.complaint_id JOIN orders o ON o.id = c.order_id
      WHERE r.complaint_id = $1 AND r.idempotency_key = $2`,
    [complaintId, key],
  );
  return row ?? null;
}

/**
 * Per complained line: what was paid for its units (the line's total less its discount, pro rata)
 * minus what this complaint refunded of it before. A line has one complaint ever (complaint_line), and
 * the caller holds that complaint's lock, so this is exact.
 */
async function refundableLines(ctx: TxContext, complaintId: string): Promise<RefundableLine[]> {
  return ctx.tx.query(
    `SELECT cl.order_line_id AS "orderLineId", cl.quantity,
            ((ol.total - ol.discount) * cl.quantity / ol.quantity) - coalesce((
              SELECT sum((x->>'amount')::bigint) FROM complaint_refund r, jsonb_array_elements(r.lines) x
               WHERE r.complaint_id = cl.complaint_id AND x->>'orderLineId' = cl.order_line_id::text), 0) AS "left"
       FROM complaint_line cl JOIN order_line ol ON ol.id = cl.order_line_id
      WHERE cl.complaint_id = $1 ORDER BY ol.position, ol.id`,
    [complaintId],
  ).then((rows: RefundableLine[]) => rows.map((r) => ({ ...r, left: Number(r.left) })));
}

/**
 * The order's shipping as a refundable line, when the complaint covers every unit of its order (then no
 * other complaint has a line of it): what was paid for it (the shipping less its discounts) minus what
 * this complaint refunded of it before. Otherwise the refund is of goods only.
 */
async function refundableShipping(ctx: TxContext, c: ComplaintRow): Promise<RefundableLine> {
  const [row]: { whole: boolean; left: string }[] = await ctx.tx.query(
    `SELECT NOT EXISTS (
              SELECT 1 FROM order_line ol LEFT JOIN complaint_line cl ON cl.order_line_id = ol.id AND cl.complaint_id = $1
               WHERE ol.order_id = o.id AND (cl.quantity IS NULL OR cl.quantity < ol.quantity)) AS whole,
            o.shipping
              - coalesce((SELECT sum(a.amount) FROM order_adjustment a WHERE a.order_id = o.id AND a.kind = 'DISCOUNT' AND a.target = 'SHIPPING'), 0)
              - coalesce((SELECT sum((x->>'amount')::bigint) FROM complaint_refund r, jsonb_array_elements(r.lines) x
                           WHERE r.complaint_id = $1 AND x->'orderLineId' = 'null'::jsonb), 0) AS left
       FROM orders o WHERE o.id = $2`,
    [c.id, c.orderId],
  );
  if (!row?.whole) fail(['input', 'includeShipping'], 'Shipping is refunded only by a complaint over every unit of its order.', ErrorCode.INVALID);
  return { orderLineId: null, quantity: 1, left: Number(row.left) };
}

/**
 * Refunds `amount` (null: all that is left) of what was paid for the complaint's lines, and with
 * `includeShipping` of the order's shipping after them: a credit note in
 * the seller's R series for the refunded part of each line (filled line by line), the money through the
 * payments ledger under the client's key, and refund.issued. `fully` says whether nothing is left after.
 */
export async function issueComplaintRefund(
  ctx: TxContext,
  c: ComplaintRow,
  {
    amount,
    key,
    actor,
    reason,
    includeShipping,
  }: { amount: number | null; key: string; actor: ActorRole; reason: string; includeShipping: boolean },
): Promise<{ refund: RefundRow; fully: boolean }> {
  const [{ n }]: { n: number }[] = await ctx.tx.query('SELECT count(*)::int AS n FROM complaint_refund WHERE complaint_id = $1', [c.id]);
  if (n >= MAX_REFUNDS) fail(null, `A complaint takes at most ${MAX_REFUNDS} refunds.`, ErrorCode.LIMIT_EXCEEDED);
  const lines = await refundableLines(ctx, c.id);
  if (includeShipping) lines.push(await refundableShipping(ctx, c));
  const left = lines.reduce((s, l) => s + Math.max(0, l.left), 0);
  if (left <= 0) fail(['input', 'amount'], `Everything paid for these goods${includeShipping ? ' and their shipping' : ''} has been refunded already.`, ErrorCode.REFUND_EXCEEDS_PAID);
  const want = amount ?? left;
  if (!Number.isSafeInteger(want) || want < 1) fail(['input', 'amount'], 'amount must be at least 1.', ErrorCode.INVALID);
  if (want > left) {
    fail(['input', 'amount'], `At most ${left} (minor units) is left to refund for these goods${includeShipping ? ' and their shipping' : ''}.`, ErrorCode.REFUND_EXCEEDS_PAID);
  }
  let rest = want;
  const parts = lines.flatMap((l) => {
    const part = Math.min(rest, Math.max(0, l.left));
    rest -= part;
    return part > 0 ? [{ orderLineId: l.orderLineId, quantity: l.quantity, amount: part }] : [];
  });
  const note = await issueRefundCreditNote(ctx, c.orderId, { reason, lines: parts });
  const [order]: { checkoutId: string; currency: string }[] = await ctx.tx.query(
    `SELECT checkout_id AS "checkoutId", currency FROM orders WHERE id = $1`,
    [c.orderId],
  );
  const paid = await refundPayment(ctx, { checkoutId: order!.checkoutId, orderId: c.orderId, amount: want, idempotencyKey: `complaint:${c.id}:${key}` });
  const [row]: { id: string; createdAt: Date }[] = await ctx.tx.query(
    `INSERT INTO complaint_refund (complaint_id, idempotency_key, amount, lines, payment_refund_id, credit_note_id, actor_role, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at AS "createdAt"`,
    [c.id, key, want, JSON.stringify(parts.map(({ orderLineId, amount }) => ({ orderLineId, amount }))), paid.id, note.id, actor, ctx.now()],
  );
  await emit(ctx, 'refund.issued', {
    refundId: row!.id,
    complaintId: c.id,
    orderId: c.orderId,
    sellerId: c.sellerId,
    customerId: c.customerId,
    amount: want,
    currency: order!.currency,
    creditNoteId: note.id,
  });
  const refund: RefundRow = { id: row!.id, complaintId: c.id, amount: want, currency: order!.currency, creditNoteId: note.id, actorRole: actor, createdAt: row!.createdAt };
  return { refund, fully: want === left };
}
