import { defineModule, type ModuleBatchHook } from '../../core/module';
import { CustomerLikesResolver } from './customer-likes.resolver';
import { countViews } from './popularity';
import { refreshSellerRating } from './rating-summary';
import { HOOK_TRANSACTION, withTransaction } from '../../db/transaction';
import type { ComplaintEvent, EventPayloads } from '../../events/event-types';
import { ProductReviewsResolver } from './product-reviews.resolver';
import { reviewLoaders } from './review.loaders';
import { reviewPrivacy } from './review.privacy';
import { ReviewResolver } from './review.resolver';
import { reconcileOrdersSales } from './sales-count';
import { findReview } from './review.service';
import { SellerReviewsResolver } from './seller-reviews.resolver';

export { complaintPenalties, sellerRating, PRIOR_MEAN, PRIOR_WEIGHT, type RatingPenalty } from './seller-rating';
export { HALF_LIFE_HOURS, TRENDING_WEIGHTS } from './trending';

/**
 * The seller rating blends in the seller's record in complaints (seller-rating.ts): refreshed after complaint events,
 * once per seller a dispatch round's events name (a refresh reads the seller's whole record: a burst of one seller's
 * complaint events costs one), in one transaction, sellers in id order.
 */
const refreshRatingOfComplained: ModuleBatchHook = {
  batch: (events, app) =>
    withTransaction(app, async (ctx) => {
      for (const sellerId of [...new Set(events.map((e) => (e.payload as ComplaintEvent).sellerId))].sort()) await refreshSellerRating(ctx, sellerId);
    }, HOOK_TRANSACTION),
};

/** One object under the three types: a dispatch round's orders are reconciled together, in one transaction. */
const reconcileSalesOfOrders: ModuleBatchHook = {
  batch: (events, app) => reconcileOrdersSales(app, events.map((e) => (e.payload as { orderId: string }).orderId)),
};

export default defineModule({
  name: 'reviews',
  entities: [],
  resolvers: [ReviewResolver, ProductReviewsResolver, SellerReviewsResolver, CustomerLikesResolver],
  loaders: reviewLoaders,
  nodes: { Review: findReview },
  privacy: reviewPrivacy,
  hooks: {
    // Units sold (sales_count, TRENDING; search's copy by trigger) follow the order's state: sales-count.ts.
    'order.paid': reconcileSalesOfOrders,
    'order.cancelled': reconcileSalesOfOrders,
    'return.received': reconcileSalesOfOrders,
    'complaint.opened': refreshRatingOfComplained,
    'complaint.updated': refreshRatingOfComplained,
    'complaint.resolved': refreshRatingOfComplained,
    // Views of consenting customers feed view_count and TRENDING.
    'touchpoint.recorded': (event, app) => countViews(app, event.payload as EventPayloads['touchpoint.recorded']),
  },
});
