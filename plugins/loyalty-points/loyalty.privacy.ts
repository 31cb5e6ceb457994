import type { PluginPrivacy } from 'zoco/plugin';
import { LoyaltyAccount, LoyaltyEntry } from './loyalty.entity';

/**
 * A customer's balances and ledger with every seller. Erasure deletes both: the points and store
 * credit were the customer's alone, and an erased customer can no longer sign in to spend them.
 */
export const loyaltyPrivacy: PluginPrivacy = {
  async export({ customerId, table }) {
    const [accounts, entries] = await Promise.all([
      table(LoyaltyAccount).find({ customerId }, { sellerId: 'ASC' }),
      table(LoyaltyEntry).find({ customerId }, { createdAt: 'ASC', id: 'ASC' }),
    ]);
    return {
      accounts: accounts.map((a) => ({ sellerId: a.sellerId, balance: a.balance, credit: a.credit, currency: a.currency, createdAt: a.createdAt })),
      entries: entries.map((e) => ({
        sellerId: e.sellerId,
        orderId: e.orderId,
        kind: e.kind,
        points: e.points,
        shortfall: e.shortfall,
        credit: e.credit,
        createdAt: e.createdAt,
      })),
    };
  },
  async erase({ customerId, table }) {
    await table(LoyaltyEntry).delete({ customerId });
    await table(LoyaltyAccount).delete({ customerId });
  },
};
