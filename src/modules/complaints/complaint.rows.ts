import { toGlobalId } from '../../core/global-id';
import type { ComplaintStateValue } from './complaint-state';
import type { Complaint, ComplaintAttachment, ComplaintLineData, ComplaintReason, ComplaintResolution, ComplaintState } from './complaint.type';

export interface ComplaintRow {
  id: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  state: ComplaintStateValue;
  reason: string;
  description: string;
  desiredResolution: string;
  attachments: ComplaintAttachment[];
  resolution: string | null;
  sellerDueAt: Date | null;
  firstResponseAt: Date | null;
  escalatedAt: Date | null;
  closedAt: Date | null;
  openedAt: Date;
  updatedAt: Date;
  lines: ComplaintLineData[];
}

/** Selects a ComplaintRow from `complaint c`. */
export const COMPLAINT_COLUMNS = `c.id, c.order_id AS "orderId", c.seller_id AS "sellerId", c.customer_id AS "customerId", c.state,
  c.reason, c.description, c.desired_resolution AS "desiredResolution", c.attachments, c.resolution,
  c.seller_due_at AS "sellerDueAt", c.first_response_at AS "firstResponseAt", c.escalated_at AS "escalatedAt",
  c.closed_at AS "closedAt", c.opened_at AS "openedAt", c.updated_at AS "updatedAt",
  (SELECT coalesce(json_agg(json_build_object('orderLineId', cl.order_line_id, 'quantity', cl.quantity) ORDER BY cl.order_line_id), '[]')
     FROM complaint_line cl WHERE cl.complaint_id = c.id) AS lines`;

export function toComplaint(r: ComplaintRow): Complaint {
  return {
    __typename: 'Complaint',
    id: toGlobalId('Complaint', r.id),
    uuid: r.id,
    orderUuid: r.orderId,
    sellerUuid: r.sellerId,
    customerUuid: r.customerId,
    state: r.state as ComplaintState,
    reason: r.reason as ComplaintReason,
    description: r.description,
    desiredResolution: r.desiredResolution as ComplaintResolution,
    resolution: r.resolution as ComplaintResolution | null,
    attachments: r.attachments,
    sellerDueAt: r.sellerDueAt,
    firstResponseAt: r.firstResponseAt,
    escalatedAt: r.escalatedAt,
    closedAt: r.closedAt,
    openedAt: r.openedAt,
    updatedAt: r.updatedAt,
    lineData: r.lines,
  };
}

export interface ComplaintMessageRow {
  id: string;
  complaintId: string;
  authorRole: string;
  body: string;
  attachments: ComplaintAttachment[];
  createdAt: Date;
}

export const MESSAGE_COLUMNS = `m.id, m.complaint_id AS "complaintId", m.author_role AS "authorRole", m.body, m.attachments, m.created_at AS "createdAt"`;

export interface TransitionRow {
  complaintId: string;
  from: string | null;
  to: string;
  actorRole: string;
  note: string | null;
  at: Date;
}

export interface RefundRow {
  id: string;
  complaintId: string;
  amount: number;
  currency: string;
  creditNoteId: string;
  actorRole: string;
  createdAt: Date;
}

export interface ReturnRow {
  id: string;
  complaintId: string;
  state: string;
  instructions: string | null;
  requestedAt: Date;
  instructionsAt: Date | null;
  receivedAt: Date | null;
  refundedAt: Date | null;
}

export const RETURN_COLUMNS = `r.id, r.complaint_id AS "complaintId", r.state, r.instructions, r.requested_at AS "requestedAt",
  r.instructions_at AS "instructionsAt", r.received_at AS "receivedAt", r.refunded_at AS "refundedAt"`;
