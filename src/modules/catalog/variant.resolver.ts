import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Listing } from './listing.type';
import { Product } from './product.type';
import { ProductVariant } from './variant.type';
import { compareForBuyBox } from './buy-box';

@Resolver(() => ProductVariant)
export class VariantResolver {
  @FieldResolver(() => Product)
  async product(@Ctx() ctx: Context, @Root() variant: ProductVariant): Promise<Product> {
    return (await ctx.loaders.productById.load(variant.productUuid))!;
  }

  @FieldResolver(() => [Listing], { description: 'Visible listings of this variant, best offer first.' })
  async listings(@Ctx() ctx: Context, @Root() variant: ProductVariant): Promise<Listing[]> {
    // Shares the product's batch: a page of products costs one listings query, variants included.
    const all = await ctx.loaders.visibleListingsByProductId.load(variant.productUuid);
    return all.filter((l) => l.variantUuid === variant.uuid).sort(compareForBuyBox);
  }
}
