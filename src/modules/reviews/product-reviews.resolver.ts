import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { Product } from '../catalog';
import { ProductLikeInput } from './like.inputs';
import { likeProduct, unlikeProduct } from './likes';
import { toRatingSummary } from './rating-summary';
import { ReviewsArgs } from './review.inputs';
import { ProductLikePayload, ReviewConnection } from './review.payloads';
import { listReviews } from './review.service';
import { RatingSummary } from './review.type';
import { unitsSoldAtLeast } from './units-sold';

/** Extends the catalog's Product with its reviews and likes: reviews depend on the catalog, not the reverse. */
@Resolver(() => Product)
export class ProductReviewsResolver {
  @FieldResolver(() => ReviewConnection, { description: 'Published reviews of the product.' })
  reviews(@Ctx() ctx: Context, @Root() product: Product, @Args() args: ReviewsArgs) {
    return listReviews(ctx, { productId: product.uuid }, args);
  }

  @FieldResolver(() => RatingSummary)
  async ratingSummary(@Ctx() ctx: Context, @Root() product: Product): Promise<RatingSummary> {
    return toRatingSummary(await ctx.loaders.ratingSummaryBySubject.load(`product:${product.uuid}`));
  }

  @FieldResolver(() => Int, { description: 'Customers who like it.' })
  async likeCount(@Ctx() ctx: Context, @Root() product: Product): Promise<number> {
    return (await ctx.loaders.popularityByProductId.load(product.uuid))?.likeCount ?? 0;
  }

  @FieldResolver(() => Int, {
    description:
      'Units sold across every seller (paid orders, less cancelled ones and returned units), rounded down to a step: 0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, ... (show it as "500+ sold").',
  })
  async unitsSoldAtLeast(@Ctx() ctx: Context, @Root() product: Product): Promise<number> {
    return unitsSoldAtLeast((await ctx.loaders.popularityByProductId.load(product.uuid))?.salesCount ?? 0);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the signed-in customer likes it (false for anyone else).' })
  async viewerHasLiked(@Ctx() ctx: Context, @Root() product: Product): Promise<boolean> {
    if (ctx.viewer.kind !== 'customer') return false;
    return ctx.loaders.likeByCustomerProduct.load(`${ctx.viewer.customerId}:${product.uuid}`);
  }

  @Authorized('CUSTOMER')
  @Mutation(() => ProductLikePayload, { description: 'Like a product (idempotent: liking again changes nothing).' })
  productLike(@Ctx() ctx: Context, @Arg('input') input: ProductLikeInput) {
    return payload(() => likeProduct(ctx, input.productId));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => ProductLikePayload, { description: 'Take a like back (idempotent).' })
  productUnlike(@Ctx() ctx: Context, @Arg('input') input: ProductLikeInput) {
    return payload(() => unlikeProduct(ctx, input.productId));
  }
}
