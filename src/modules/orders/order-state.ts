export type OrderState = 'placed' | 'paid' | 'fulfilled' | 'delivered' | 'cancelled';
export type OrderAction = 'pay' | 'fulfil' | 'deliver' | 'cancel';

/** The order lifecycle: PLACED → PAID → FULFILLED → DELIVERED, and CANCELLED before fulfilment. */
const transitions: Record<OrderAction, { from: readonly OrderState[]; to: OrderState }> = {
  pay: { from: ['placed'], to: 'paid' },
  fulfil: { from: ['paid'], to: 'fulfilled' },
  deliver: { from: ['fulfilled'], to: 'delivered' },
  // Once shipped, goods come back through a return, not a cancellation.
  cancel: { from: ['placed', 'paid'], to: 'cancelled' },
};

/** The state after `action`, or null when the action is not allowed in `state`. */
export function nextState(state: OrderState, action: OrderAction): OrderState | null {
  const t = transitions[action];
  return t.from.includes(state) ? t.to : null;
}
