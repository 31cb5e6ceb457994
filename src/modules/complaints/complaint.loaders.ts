import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byKey, groupByKey } from '../../core/batch';
import { REFUND_COLUMNS, toRefund } from './complaint-refund';
import { sellerComplaintMetrics } from './complaint-metrics';
import { COMPLAINT_COLUMNS, RETURN_COLUMNS, toComplaint, type ComplaintRow, type RefundRow, type ReturnRow, type TransitionRow } from './complaint.rows';
import type { Complaint, ComplaintRefund, ComplaintReturn, ComplaintTransition, ReturnState } from './complaint.type';
import { toGlobalId } from '../../core/global-id';

const toReturn = (r: ReturnRow): ComplaintReturn => ({
  __typename: 'ComplaintReturn',
  id: toGlobalId('ComplaintReturn', r.id),
  uuid: r.id,
  state: r.state as ReturnState,
  instructions: r.instructions,
  requestedAt: r.requestedAt,
  instructionsSentAt: r.instructionsAt,
  receivedAt: r.receivedAt,
  refundedAt: r.refundedAt,
});

/** Per-request batch loaders of complaints and what hangs off them; visibility is the caller's (canSeeComplaint). */
export function complaintLoaders(db: DataSource) {
  return {
    complaintById: new DataLoader<string, Complaint | null>(async (ids) => {
      const rows: ComplaintRow[] = await db.query(`SELECT ${COMPLAINT_COLUMNS} FROM complaint c WHERE c.id = ANY($1)`, [ids]);
      return byKey(ids, rows.map(toComplaint), (c) => c.uuid);
    }),
    complaintHistory: new DataLoader<string, ComplaintTransition[]>(async (ids) => {
      const rows: TransitionRow[] = await db.query(
        `SELECT complaint_id AS "complaintId", from_state AS "from", to_state AS "to", actor_role AS "actorRole", note, at
           FROM complaint_transition WHERE complaint_id = ANY($1) ORDER BY id`,
        [ids],
      );
      return groupByKey(ids, rows, (r) => r.complaintId).map((list) =>
        list.map((r) => ({ from: r.from, to: r.to, actorRole: r.actorRole, note: r.note, at: r.at }) as ComplaintTransition),
      );
    }),
    complaintRefunds: new DataLoader<string, ComplaintRefund[]>(async (ids) => {
      const rows: RefundRow[] = await db.query(
        `SELECT ${REFUND_COLUMNS} FROM complaint_refund r JOIN complaint c ON c.id = r.complaint_id JOIN orders o ON o.id = c.order_id
          WHERE r.complaint_id = ANY($1) ORDER BY r.created_at, r.id`,
        [ids],
      );
      return groupByKey(ids, rows, (r) => r.complaintId).map((list) => list.map(toRefund));
    }),
    complaintReturn: new DataLoader<string, ComplaintReturn | null>(async (ids) => {
      const rows: ReturnRow[] = await db.query(`SELECT ${RETURN_COLUMNS} FROM complaint_return r WHERE r.complaint_id = ANY($1)`, [ids]);
      return byKey(ids, rows, (r) => r.complaintId).map((r) => (r ? toReturn(r) : null));
    }),
    sellerComplaintMetrics: new DataLoader((ids: readonly string[]) => sellerComplaintMetrics(db, ids)),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof complaintLoaders> {}
}
