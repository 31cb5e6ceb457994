import type { TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { nextComplaintState, SELLER_TURN, type ActorRole, type ComplaintAction, type ComplaintStateValue } from './complaint-state';
import type { ComplaintRow } from './complaint.rows';

const label = (s: string) => s.toUpperCase();

/** The state `action` leads to, or an INVALID_STATE userError naming the state it was refused in. */
export function requireTransition(c: ComplaintRow, action: ComplaintAction, actor: ActorRole): ComplaintStateValue {
  const next = nextComplaintState(c.state, action, actor);
  if (!next) fail(null, `A complaint in state ${label(c.state)} does not allow this (${action}) by the ${actor}.`, ErrorCode.INVALID_STATE);
  return next;
}

export const slaMs = (ctx: TxContext) => ctx.config.complaintSlaHours * 3_600_000;

/**
 * Records what the actor did: the new state (a transition row when it changed), the seller's deadline
 * (running from when it becomes the seller's turn, cleared otherwise), the seller's first response,
 * escalation and closing times, and one event: complaint.resolved on resolution, else complaint.updated.
 */
export async function recordAction(
  ctx: TxContext,
  c: ComplaintRow,
  { to, actor, note = null, resolution = null }: { to: ComplaintStateValue; actor: ActorRole; note?: string | null; resolution?: string | null },
): Promise<void> {
  const now = ctx.clock();
  const dueAt = SELLER_TURN.includes(to) ? (SELLER_TURN.includes(c.state) ? c.sellerDueAt : new Date(now.getTime() + slaMs(ctx))) : null;
  await ctx.tx.query(
    `UPDATE complaint SET state = $2, seller_due_at = $3, updated_at = $4, resolution = coalesce($5, resolution),
            first_response_at = CASE WHEN $6 AND first_response_at IS NULL THEN $4 ELSE first_response_at END,
            escalated_at = CASE WHEN $2 = 'escalated' THEN $4 ELSE escalated_at END,
            closed_at = CASE WHEN $2 IN ('resolved', 'rejected') THEN $4 ELSE closed_at END
      WHERE id = $1`,
    [c.id, to, dueAt, now, resolution, actor === 'seller'],
  );
  if (to !== c.state) {
    await ctx.tx.query(`INSERT INTO complaint_transition (complaint_id, from_state, to_state, actor_role, note, at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      c.id,
      c.state,
      to,
      actor,
      note,
      now,
    ]);
  }
  const event = { complaintId: c.id, orderId: c.orderId, sellerId: c.sellerId, customerId: c.customerId, state: to };
  if (to === 'resolved' && c.state !== 'resolved') await emit(ctx, 'complaint.resolved', { ...event, resolution });
  else await emit(ctx, 'complaint.updated', event);
}
