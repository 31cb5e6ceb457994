import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Listing } from './listing.type';
import { Product } from './product.type';
import { ProductVariant } from './variant.type';

@Resolver(() => ProductVariant)
export class VariantResolver {
  @FieldResolver(() => Product)
  async product(@Ctx() ctx: Context, @Root() variant: ProductVariant): Promise<Product> {
    return (await ctx.loaders.productById.load(variant.productUuid))!;
  }

  @FieldResolver(() => [Listing], { description: 'Visible listings of this variant, best offer first.' })
  listings(@Ctx() ctx: Context, @Root() variant: ProductVariant): Listing[] | Promise<Listing[]> {
    // Shares the product's batch: a page of products costs one listings query, variants included; in buy-box order.
    return ctx.loaders.variantListings(variant);
  }
}
