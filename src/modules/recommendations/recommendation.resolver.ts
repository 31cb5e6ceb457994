import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { badInput } from '../../core/errors';
import { Product } from '../catalog';
import { TOP_N } from './co-occurrence';
import { ProductRecommendation } from './recommendation.type';

@Resolver(() => Product)
export class ProductRecommendationsResolver {
  @FieldResolver(() => [ProductRecommendation], {
    description: `Customers who bought this also bought: item-to-item co-purchase over paid orders of every seller, most similar first (at most ${TOP_N}).`,
  })
  async alsoBought(
    @Ctx() ctx: Context,
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ): Promise<ProductRecommendation[]> {
    if (!Number.isInteger(first) || first < 1 || first > TOP_N) throw badInput(`first must be between 1 and ${TOP_N}.`, 'first');
    return (await ctx.loaders.alsoBoughtByProductId.load(product.uuid)).slice(0, first);
  }

  @FieldResolver(() => [ProductRecommendation], {
    description: `Customers who viewed this also viewed (in the same day), from the views of customers who allow personalization; most similar first (at most ${TOP_N}).`,
  })
  async alsoViewed(
    @Ctx() ctx: Context,
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ): Promise<ProductRecommendation[]> {
    if (!Number.isInteger(first) || first < 1 || first > TOP_N) throw badInput(`first must be between 1 and ${TOP_N}.`, 'first');
    return (await ctx.loaders.alsoViewedByProductId.load(product.uuid)).slice(0, first);
  }
}
