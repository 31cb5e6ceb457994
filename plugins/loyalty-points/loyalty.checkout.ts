import type { AdjustableGroup, AdjustmentResult, PluginScope } from 'zoco/plugin';
import type { LoyaltyConfig } from './loyalty.config';
import { LoyaltyAccount } from './loyalty.entity';

type Scope = PluginScope<LoyaltyConfig>;

export const LOYALTY_LABEL = 'Loyalty points';
const MAX_ATTEMPTS = 10;

/**
 * The checkout adjustment point (issue 10): a customer's redeemed points (their credit with this seller)
 * come off their next order with the seller as a discount on the goods, so the invoice shows it and VAT is
 * taken on what is left. The cart shows it; checkout takes the credit with a compare-and-set on the
 * account's version inside its transaction (the scope offers no row locks), so two checkouts at once never
 * spend the same credit. Cancelling the order gives the credit back (loyalty.handlers.ts).
 */
export async function applyCredit(group: AdjustableGroup, scope: Scope): Promise<AdjustmentResult> {
  if (!group.customerId || group.subtotal <= 0) return { adjustments: [], warnings: [] };
  const accounts = scope.table(LoyaltyAccount);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const account = await accounts.findOne({ customerId: group.customerId });
    if (!account || account.credit <= 0 || account.currency !== group.currency) return { adjustments: [], warnings: [] };
    const amount = Math.min(account.credit, group.subtotal);
    const discount = { source: 'plugin:loyalty-points', reference: null, label: LOYALTY_LABEL, kind: 'DISCOUNT' as const, amount, lineKey: null, target: 'ITEMS' as const };
    if (group.phase === 'cart') return { adjustments: [discount], warnings: [] };
    const taken = await accounts.update(
      { customerId: group.customerId, version: account.version },
      { credit: account.credit - amount, version: account.version + 1, updatedAt: new Date() },
    );
    if (taken) return { adjustments: [discount], warnings: [] };
  }
  throw new Error(`loyalty-points: the account of customer ${group.customerId} kept changing during checkout`);
}

/** What an order took from the customer's credit: its loyalty discount (none when it had none). */
export const creditSpentOn = (order: { adjustments: { source: string; kind: string; amount: number }[] }) =>
  order.adjustments.filter((a) => a.source === 'plugin:loyalty-points' && a.kind === 'DISCOUNT').reduce((sum, a) => sum + Number(a.amount), 0);
