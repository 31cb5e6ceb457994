import type { Context, TxContext } from '../../core/context';
import type { Viewer } from '../../auth/viewer';
import { requireSeller, sellerMay } from '../../auth/guards';
import { ErrorCode, forbidden, unauthenticated } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import type { ActorRole } from './complaint-state';
import { COMPLAINT_COLUMNS, type ComplaintRow } from './complaint.rows';

/** A complaint is seen by its customer, its seller and the operator; by nobody else, not even as "forbidden". */
export function canSeeComplaint(viewer: Viewer, c: { sellerId: string; customerId: string }): boolean {
  switch (viewer.kind) {
    case 'admin':
      return true;
    case 'customer':
      return viewer.customerId === c.customerId;
    case 'seller':
      return sellerMay(viewer, c.sellerId, 'orders:read', 'complaints:write');
    default:
      return false;
  }
}

/** The role the viewer speaks and acts in; a seller key must hold complaints:write to act at all. */
export function actorOf(viewer: Viewer): Exclude<ActorRole, 'system'> {
  switch (viewer.kind) {
    case 'admin':
      return 'operator';
    case 'customer':
      return 'customer';
    case 'seller':
      requireSeller(viewer, 'complaints:write');
      return 'seller';
    default:
      throw unauthenticated();
  }
}

/** actorOf for what only the seller and the operator do (refunds, replacements, returns, rejections). */
export function sellerSideActor(viewer: Viewer): 'seller' | 'operator' {
  const actor = actorOf(viewer);
  if (actor === 'customer') throw forbidden('Only the seller or the operator can do this.');
  return actor;
}

/**
 * Locks the complaint for the rest of the transaction; NOT_FOUND for a malformed ID, a missing complaint
 * and one the viewer may not see alike, so complaint IDs can't be probed.
 */
export async function lockComplaint(ctx: TxContext, globalId: string, field = 'complaintId'): Promise<ComplaintRow> {
  const uuid = idOf(globalId, 'Complaint');
  if (!uuid) fail(field, `${field} is not a valid Complaint ID.`, ErrorCode.INVALID_ID);
  const [row]: ComplaintRow[] = await ctx.tx.query(`SELECT ${COMPLAINT_COLUMNS} FROM complaint c WHERE c.id = $1 FOR NO KEY UPDATE`, [uuid]);
  if (!row || !canSeeComplaint(ctx.viewer, row)) fail(field, 'Complaint not found.', ErrorCode.NOT_FOUND);
  return row;
}

/** Reads a complaint the caller already checked, through the transaction when there is one. */
export async function readComplaint(ctx: Context, uuid: string): Promise<ComplaintRow> {
  const [row]: ComplaintRow[] = await (ctx.tx ?? ctx.db).query(`SELECT ${COMPLAINT_COLUMNS} FROM complaint c WHERE c.id = $1`, [uuid]);
  if (!row) throw new Error(`complaint ${uuid} vanished`);
  return row;
}
