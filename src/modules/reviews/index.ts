import { defineModule, type ModuleHook } from '../../core/module';
import { CustomerLikesResolver } from './customer-likes.resolver';
import { countSales, countViews } from './popularity';
import { refreshSellerRating } from './rating-summary';
import { withTransaction } from '../../db/transaction';
import type { ComplaintEvent, EventPayloads } from '../../events/event-types';
import { ProductReviewsResolver } from './product-reviews.resolver';
import { reviewLoaders } from './review.loaders';
import { reviewPrivacy } from './review.privacy';
import { ReviewResolver } from './review.resolver';
import { findReview } from './review.service';
import { SellerReviewsResolver } from './seller-reviews.resolver';

export { complaintPenalties, sellerRating, PRIOR_MEAN, PRIOR_WEIGHT, type RatingPenalty } from './seller-rating';
export { HALF_LIFE_HOURS, TRENDING_WEIGHTS } from './trending';

/** The seller rating blends in the seller's record in complaints (seller-rating.ts): refreshed on each complaint event. */
const refreshRatingOfComplained: ModuleHook = (event, app) =>
  withTransaction(app, (ctx) => refreshSellerRating(ctx, (event.payload as ComplaintEvent).sellerId));

export default defineModule({
  name: 'reviews',
  entities: [],
  resolvers: [ReviewResolver, ProductReviewsResolver, SellerReviewsResolver, CustomerLikesResolver],
  loaders: reviewLoaders,
  nodes: { Review: findReview },
  privacy: reviewPrivacy,
  hooks: {
    // Sales feed popularity (sales_count, TRENDING) once per order, after the payment commits.
    'order.paid': (event, app) => countSales(app, (event.payload as { orderId: string }).orderId),
    'complaint.opened': refreshRatingOfComplained,
    'complaint.updated': refreshRatingOfComplained,
    'complaint.resolved': refreshRatingOfComplained,
    // Views of consenting customers feed view_count and TRENDING.
    'touchpoint.recorded': (event, app) => countViews(app, event.payload as EventPayloads['touchpoint.recorded']),
  },
});
