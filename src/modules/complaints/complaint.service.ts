import type { Context } from '../../core/context';
import { forbidden, unauthenticated } from '../../core/errors';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { requireIdOf } from '../../core/global-id';
import { sellerMay } from '../../auth/guards';
import { canSeeComplaint } from './complaint-access';
import type { ComplaintsArgs } from './complaint.inputs';
import { COMPLAINT_COLUMNS, toComplaint, type ComplaintRow } from './complaint.rows';
import type { Complaint, ComplaintReturn, SellerComplaintMetrics } from './complaint.type';

export async function findComplaint(ctx: Context, uuid: string): Promise<Complaint | null> {
  const c = await ctx.loaders.complaintById.load(uuid);
  return c && canSeeComplaint(ctx.viewer, { sellerId: c.sellerUuid, customerId: c.customerUuid }) ? c : null;
}

/** A return, for `node(id:)`: seen by whoever sees its complaint. */
export async function findComplaintReturn(ctx: Context, uuid: string): Promise<ComplaintReturn | null> {
  const [row]: { complaintId: string }[] = await ctx.db.query('SELECT complaint_id AS "complaintId" FROM complaint_return WHERE id = $1', [uuid]);
  if (!row || !(await findComplaint(ctx, row.complaintId))) return null;
  return ctx.loaders.complaintReturn.load(row.complaintId);
}

/** `complaint(id:)`: a malformed ID is BAD_USER_INPUT; someone else's complaint is null, like a missing one. */
export function findComplaintById(ctx: Context, globalId: string): Promise<Complaint | null> {
  return findComplaint(ctx, requireIdOf(globalId, 'Complaint'));
}

/**
 * `complaints(filter:)`, newest first with keyset cursors: the operator sees all (and may name a seller),
 * a seller key its own, a customer theirs. `overdue`: the seller owes an answer past its deadline.
 */
export async function listComplaints(ctx: Context, { first, after, filter }: ComplaintsArgs) {
  checkPageSize(first);
  const { viewer } = ctx;
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (viewer.kind === 'customer') where.push(`c.customer_id = ${param(viewer.customerId)}`);
  else if (viewer.kind === 'seller') {
    if (!sellerMay(viewer, viewer.sellerId, 'orders:read', 'complaints:write')) throw forbidden('This API key lacks the orders:read or complaints:write scope.');
    if (filter?.sellerId && requireIdOf(filter.sellerId, 'Seller', 'sellerId') !== viewer.sellerId) throw forbidden('A seller key sees only its own complaints.');
    where.push(`c.seller_id = ${param(viewer.sellerId)}`);
  } else if (viewer.kind !== 'admin') throw unauthenticated();
  if (viewer.kind === 'admin' && filter?.sellerId) where.push(`c.seller_id = ${param(requireIdOf(filter.sellerId, 'Seller', 'sellerId'))}`);
  if (filter?.state) where.push(`c.state = ${param(filter.state)}`);
  if (filter?.overdue != null) {
    const overdue = `(c.state IN ('open', 'awaiting_seller') AND c.seller_due_at <= ${param(ctx.clock())})`;
    where.push(filter.overdue ? overdue : `NOT ${overdue}`);
  }
  if (after) {
    const { key, id } = decodeKeyset(after);
    where.push(`(c.opened_at, c.id) < (${param(key)}::timestamptz, ${param(id)}::uuid)`);
  }
  const limit = param(first + 1);
  const rows: (ComplaintRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${COMPLAINT_COLUMNS}, c.opened_at::text AS "sortKey" FROM complaint c
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.opened_at DESC, c.id DESC LIMIT ${limit}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.id]), toComplaint);
}

/** `Seller.complaintMetrics`: for the seller itself (any of its keys) and the operator; null for anyone else. */
export async function complaintMetricsOf(ctx: Context, sellerUuid: string): Promise<SellerComplaintMetrics | null> {
  const { viewer } = ctx;
  if (viewer.kind !== 'admin' && !(viewer.kind === 'seller' && viewer.sellerId === sellerUuid)) return null;
  return ctx.loaders.sellerComplaintMetrics.load(sellerUuid);
}
