import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../core/connection';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { Product } from '../catalog';
import { Seller } from '../sellers';
import { replyToReview, reportReview, setReviewStatus, voteHelpful } from './review-feedback';
import { createReview, updateReview } from './review-write';
import { ReviewCreateInput, ReviewHideInput, ReviewIdInput, ReviewReplyInput, ReviewReportInput, ReviewUpdateInput } from './review.inputs';
import { ReviewConnection, ReviewPayload, ReviewReportPayload } from './review.payloads';
import { canSeeReview, listReportedReviews } from './review.service';
import { Review, ReviewEdit, ReviewStatus } from './review.type';
import { Access, sellerKey } from '../../auth/field-access';

@Resolver(() => Review)
export class ReviewResolver {
  @FieldResolver(() => Product, { nullable: true, description: 'Null when the product left the storefront.' })
  async product(@Ctx() ctx: Context, @Root() review: Review): Promise<Product | null> {
    const product = await ctx.loaders.productById.load(review.productUuid);
    return product && product.status === 'active' ? product : null;
  }

  @FieldResolver(() => Seller)
  async seller(@Ctx() ctx: Context, @Root() review: Review): Promise<Seller> {
    return (await ctx.loaders.sellerById.load(review.sellerUuid))!;
  }

  @FieldResolver(() => [ReviewEdit], { description: 'Earlier versions, newest first (at most 20).' })
  edits(@Ctx() ctx: Context, @Root() review: Review): Promise<ReviewEdit[]> {
    return review.editCount ? ctx.loaders.reviewEditsByReviewId.load(review.uuid) : Promise.resolve([]);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why the operator hid it: shown to its author and the operator.' })
  hiddenReason(@Ctx() ctx: Context, @Root() review: Review): string | null {
    return review.status === ReviewStatus.HIDDEN && canSeeReview(ctx.viewer, review) ? review.hiddenReason : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Abuse reports received: the operator only (null for others).' })
  reportCount(@Ctx() ctx: Context, @Root() review: Review): number | null {
    return ctx.viewer.kind === 'admin' ? review.reportCount : null;
  }

  @Authorized('ADMIN')
  @Query(() => ReviewConnection, { description: 'Operator: reviews with abuse reports, most recently reported first.' })
  reportedReviews(@Ctx() ctx: Context, @Args() page: PageArgs) {
    return listReportedReviews(ctx, page);
  }

  @Authorized('CUSTOMER')
  @Mutation(() => ReviewPayload, { description: 'Review a delivered order line of yours: its product and its seller, once per line.' })
  reviewCreate(@Ctx() ctx: Context, @Arg('input') input: ReviewCreateInput) {
    return payload(() => createReview(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => ReviewPayload, { description: 'The author edits; the previous version stays in edits.' })
  reviewUpdate(@Ctx() ctx: Context, @Arg('input') input: ReviewUpdateInput) {
    return payload(() => updateReview(ctx, input));
  }

  @Access(sellerKey('reviews:write'))
  @Authorized('SELLER')
  @Mutation(() => ReviewPayload, { description: 'The seller of the reviewed sale replies, once (scope reviews:write).' })
  reviewReply(@Ctx() ctx: Context, @Arg('input') input: ReviewReplyInput) {
    return payload(() => replyToReview(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => ReviewPayload, { description: "Another customer found it helpful: counted once per customer, never the author's own." })
  reviewVoteHelpful(@Ctx() ctx: Context, @Arg('input') input: ReviewIdInput) {
    return payload(() => voteHelpful(ctx, input.id));
  }

  @Mutation(() => ReviewReportPayload, { description: 'Anyone reports abuse; once per reporter.' })
  reviewReport(@Ctx() ctx: Context, @Arg('input') input: ReviewReportInput) {
    return payload(() => reportReview(ctx, input));
  }

  @Authorized('ADMIN')
  @Mutation(() => ReviewPayload, { description: 'Operator: PUBLISHED → HIDDEN; its rating leaves the summaries.' })
  reviewHide(@Ctx() ctx: Context, @Arg('input') input: ReviewHideInput) {
    return payload(() => setReviewStatus(ctx, input, ReviewStatus.HIDDEN));
  }

  @Authorized('ADMIN')
  @Mutation(() => ReviewPayload, { description: 'Operator: HIDDEN → PUBLISHED.' })
  reviewRestore(@Ctx() ctx: Context, @Arg('input') input: ReviewIdInput) {
    return payload(() => setReviewStatus(ctx, input, ReviewStatus.PUBLISHED));
  }
}
