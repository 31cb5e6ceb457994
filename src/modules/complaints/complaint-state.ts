export type ComplaintStateValue = 'open' | 'awaiting_seller' | 'awaiting_customer' | 'resolved' | 'rejected' | 'escalated';
export type ActorRole = 'customer' | 'seller' | 'operator' | 'system';
export type ComplaintAction = 'reply' | 'refund' | 'resolve' | 'startReturn' | 'reject' | 'escalate' | 'deadline';

const ACTIVE: readonly ComplaintStateValue[] = ['open', 'awaiting_seller', 'awaiting_customer'];
const ACTIVE_OR_ESCALATED: readonly ComplaintStateValue[] = [...ACTIVE, 'escalated'];

/** Who may do what from which states: the seller while it is its turn, the operator also once escalated. */
const allowed: Record<ComplaintAction, Partial<Record<ActorRole, readonly ComplaintStateValue[]>>> = {
  reply: { customer: ACTIVE_OR_ESCALATED, seller: ACTIVE, operator: ACTIVE_OR_ESCALATED },
  refund: { seller: ACTIVE, operator: ACTIVE_OR_ESCALATED },
  resolve: { seller: ACTIVE, operator: ACTIVE_OR_ESCALATED },
  startReturn: { seller: ACTIVE, operator: ACTIVE_OR_ESCALATED },
  reject: { seller: ACTIVE, operator: ACTIVE_OR_ESCALATED },
  // A customer may take a seller's rejection to the operator (once: checked by the caller).
  escalate: { customer: ['rejected'] },
  // The seller missed its deadline to answer (the A-to-z idea): the platform steps in.
  deadline: { system: ['open', 'awaiting_seller'] },
};

/**
 * The complaint lifecycle (issue 11): OPEN → AWAITING_SELLER / AWAITING_CUSTOMER → RESOLVED or REJECTED,
 * ESCALATED on a missed seller deadline or a customer's appeal of a rejection, decided by the operator.
 * Returns the state after `action` by `actor`, or null when it is not allowed.
 */
export function nextComplaintState(state: ComplaintStateValue, action: ComplaintAction, actor: ActorRole): ComplaintStateValue | null {
  if (!allowed[action][actor]?.includes(state)) return null;
  switch (action) {
    case 'reply':
    case 'refund':
      if (state === 'escalated' || actor === 'operator') return state;
      return actor === 'customer' ? 'awaiting_seller' : 'awaiting_customer';
    case 'resolve':
      return 'resolved';
    case 'startReturn':
      return 'awaiting_customer';
    case 'reject':
      return 'rejected';
    case 'escalate':
    case 'deadline':
      return 'escalated';
  }
}

/** States in which the seller owes an answer: the deadline runs. */
export const SELLER_TURN: readonly ComplaintStateValue[] = ['open', 'awaiting_seller'];
