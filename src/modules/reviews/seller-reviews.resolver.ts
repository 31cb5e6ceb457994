import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Seller } from '../sellers';
import { toRatingSummary } from './rating-summary';
import { ReviewsArgs } from './review.inputs';
import { ReviewConnection } from './review.payloads';
import { listReviews } from './review.service';
import { RatingSummary } from './review.type';

/** Extends the sellers module's Seller with the reviews of its sales. */
@Resolver(() => Seller)
export class SellerReviewsResolver {
  @FieldResolver(() => ReviewConnection, { description: 'Published reviews of this seller’s sales.' })
  reviews(@Ctx() ctx: Context, @Root() seller: Seller, @Args() args: ReviewsArgs) {
    return listReviews(ctx, { sellerId: seller.uuid }, args);
  }

  @FieldResolver(() => RatingSummary, { description: 'The plain summary of its reviews; Seller.rating adds the prior.' })
  async ratingSummary(@Ctx() ctx: Context, @Root() seller: Seller): Promise<RatingSummary> {
    return toRatingSummary(await ctx.loaders.ratingSummaryBySubject.load(`seller:${seller.uuid}`));
  }
}
