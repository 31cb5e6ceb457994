import { Money } from 'zoco/plugin';
import type { LoyaltyConfig } from './loyalty.config';
import type { LoyaltyAccount } from './loyalty.entity';
import type { LoyaltyBalance } from './loyalty.type';

export function toBalance(account: LoyaltyAccount, config: LoyaltyConfig): LoyaltyBalance {
  return {
    sellerUuid: account.sellerId,
    points: account.balance,
    pointsPerEuro: config.pointsPerEuro,
    pointsPerEuroCredit: config.pointsPerEuroCredit,
    credit: new Money(account.credit, account.currency),
  };
}
