import { defineModule } from '../../core/module';
import { promotionAdjuster } from './promotion-adjuster';
import { promotionLoaders } from './promotion.loaders';
import { promotionPrivacy } from './promotion.privacy';
import { recordRedemptions, reverseRedemptions } from './promotion-redemptions';
import { CartCodeResolver, PromotionResolver, SellerPromotionsResolver } from './promotion.resolver';
import { findPromotion } from './promotion.service';

export { Promotion } from './promotion.type';
export { evaluatePromotions, normalizeCode } from './promotion-adjuster';
export { applyCartCode, generateCodes } from './promotion-codes';
export { countReach } from './promotion-reach';
export { runningPromotion, targetedCustomersAfter } from './promotion-audience';
export { announceDueStarts } from './promotion-start';
export type { PromotionRow } from './promotion.rows';
export { validateRule, type TargetingRule } from './targeting-rule';

export default defineModule({
  name: 'promotions',
  entities: [],
  resolvers: [PromotionResolver, SellerPromotionsResolver, CartCodeResolver],
  nodes: { Promotion: findPromotion },
  loaders: promotionLoaders,
  adjusters: [promotionAdjuster],
  listeners: { 'order.paid': recordRedemptions, 'order.cancelled': reverseRedemptions },
  privacy: promotionPrivacy,
});
