import { defineModule } from '../../core/module';
import { promotionAdjuster } from './promotion-adjuster';
import { promotionPrivacy } from './promotion.privacy';
import { recordRedemptions, reverseRedemptions } from './promotion-redemptions';
import { CartCodeResolver, PromotionResolver, SellerPromotionsResolver } from './promotion.resolver';
import { findPromotion } from './promotion.service';

export { Promotion } from './promotion.type';
export { evaluatePromotions, normalizeCode } from './promotion-adjuster';

export default defineModule({
  name: 'promotions',
  entities: [],
  resolvers: [PromotionResolver, SellerPromotionsResolver, CartCodeResolver],
  nodes: { Promotion: findPromotion },
  adjusters: [promotionAdjuster],
  listeners: { 'order.placed': recordRedemptions, 'order.cancelled': reverseRedemptions },
  privacy: promotionPrivacy,
});
