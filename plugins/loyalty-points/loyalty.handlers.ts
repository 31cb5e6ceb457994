import type { DomainEvent, EventPayloads, PluginScope } from 'zoco/plugin';
import type { LoyaltyConfig } from './loyalty.config';
import { creditSpentOn } from './loyalty.checkout';
import { pointsOfOrder, post } from './loyalty.ledger';
import { pointsFor } from './loyalty.rates';

type Scope = PluginScope<LoyaltyConfig>;

/**
 * 'order.paid': the customer earns floor(order total in major units × pointsPerEuro) with the seller.
 * The amount comes from the order itself, read through the scope, not from the payload. An order
 * already cancelled when this runs (a retried handler) earns nothing; its reverse finds nothing to undo.
 */
export async function onOrderPaid(event: DomainEvent, scope: Scope): Promise<void> {
  const { orderId } = event.payload as EventPayloads['order.paid'];
  const order = await scope.order(orderId);
  if (!order) {
    scope.log.warn({ orderId }, 'order.paid for an order this seller cannot read');
    return;
  }
  const posting = { customerId: order.customerId, kind: 'earn', currency: order.currency, orderId: order.id, eventId: event.id } as const;
  const posted = await post(scope, posting, async (tx) => {
    const fresh = await tx.order(order.id);
    if (!fresh || fresh.state === 'cancelled') return null;
    return { points: pointsFor(fresh.total, fresh.currency, tx.config.pointsPerEuro) };
  });
  if (posted && !posted.replayed) scope.log.debug({ orderId: order.id, points: posted.entry.points }, 'loyalty points earned');
}

/**
 * 'order.cancelled': takes back what the order earned, and gives back the credit its loyalty discount
 * spent (the order's adjustments say how much). Points already redeemed can't be taken back: the balance
 * stops at zero and the rest is recorded as the entry's shortfall.
 */
export async function onOrderCancelled(event: DomainEvent, scope: Scope): Promise<void> {
  const { orderId } = event.payload as EventPayloads['order.cancelled'];
  const order = await scope.order(orderId);
  if (!order) {
    scope.log.warn({ orderId }, 'order.cancelled for an order this seller cannot read');
    return;
  }
  const posting = { customerId: order.customerId, kind: 'reverse', currency: order.currency, orderId: order.id, eventId: event.id } as const;
  await post(scope, posting, async (tx, account) => {
    const due = Math.max(0, await pointsOfOrder(tx, order.customerId, order.id));
    const taken = Math.min(due, account?.balance ?? 0);
    return { points: taken === 0 ? 0 : -taken, shortfall: due - taken, credit: creditSpentOn(order) };
  });
}
