import { definePlugin } from 'zoco/plugin';
import { loyaltyConfig, PLUGIN_NAME } from './loyalty.config';
import { LoyaltyAccount, LoyaltyEntry } from './loyalty.entity';
import { loyaltyPrivacy } from './loyalty.privacy';
import { applyCredit } from './loyalty.checkout';
import { onOrderCancelled, onOrderPaid } from './loyalty.handlers';
import { CustomerLoyaltyResolver, ListingLoyaltyResolver, LoyaltyBalanceResolver, LoyaltyRedeemResolver } from './loyalty.resolver';
import { LoyaltyPoints1763931000000 } from './migrations/1763931000000-loyalty-points';
import { LoyaltyPointsBigint1763931100000 } from './migrations/1763931100000-loyalty-points-bigint';

export { LoyaltyAccount, LoyaltyEntry } from './loyalty.entity';
export type { LoyaltyConfig } from './loyalty.config';

/** Loyalty points per seller: earned on paid orders, taken back on cancellation, redeemed as a discount at checkout. */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'Customers earn points on each order with your shop and redeem them as a discount on their next order with you.',
  config: loyaltyConfig,
  permissions: ['orders:read'],
  entities: [LoyaltyAccount, LoyaltyEntry],
  migrations: [LoyaltyPoints1763931000000, LoyaltyPointsBigint1763931100000],
  resolvers: [CustomerLoyaltyResolver, LoyaltyBalanceResolver, ListingLoyaltyResolver, LoyaltyRedeemResolver],
  on: {
    'order.paid': onOrderPaid,
    'order.cancelled': onOrderCancelled,
  },
  privacy: loyaltyPrivacy,
  checkout: { adjust: applyCredit },
});
