import { defineModule } from '../../core/module';
import { CustomerOffersResolver, OfferResolver } from './offer.resolver';
import { findOffer } from './offer.service';
import { onPriceDropped, onRestocked, onTouchpoints } from './offer-engine';
import { offerAdjuster } from './offer-adjuster';
import { onPromotionStarted } from './offer-promotion';
import { offersTopic } from '../../pubsub/topic-router';

export { offerCreate, offerCreateMany, type OfferCandidate, type OfferOutcome, type OfferRefusal } from './offer-create';
export { expireOffers } from './offer-expiry';
export { startOfferTimers, type OfferTimers } from './offer-timers';
export { OfferTrigger } from './offer.type';
export { offersForPromotion, PROMOTION_BATCH } from './offer-promotion';
export { offersForIdleCarts, proposePluginOffer, type PluginOfferProposal } from './offer-engine';

export default defineModule({
  name: 'offers',
  entities: [],
  resolvers: [OfferResolver, CustomerOffersResolver],
  nodes: { Offer: findOffer },
  hooks: {
    'touchpoint.recorded': onTouchpoints, 'listing.price_dropped': onPriceDropped, 'listing.restocked': onRestocked,
    'promotion.started': onPromotionStarted,
    'promotion.targeting_changed': onPromotionStarted,
  },
  adjusters: [offerAdjuster],
  // Each offer to its customer's subscriptions only (pubsub/topic-router.ts).
  topics: { 'offers.created': ({ offers }) => offers.map((created) => ({ topic: offersTopic(created.customerId), payload: created })) },
  privacy: {
    async export(ctx, customerId) {
      return ctx.db.query(
        `SELECT id, trigger, promotion_id AS "promotionId", product_id AS "productId", discount_percent AS "discountPercent",
                discount_amount AS "discountAmount", currency, free_shipping AS "freeShipping", reason, state, created_at AS "createdAt", expires_at AS "expiresAt"
           FROM offer WHERE customer_id = $1 ORDER BY sequence`,
        [customerId],
      );
    },
    async erase(ctx, customerId) {
      await ctx.tx.query('DELETE FROM offer WHERE customer_id = $1', [customerId]);
    },
  },
});
