import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { MoneyRange, Money } from '../../core/money';
import { payload } from '../../core/payload';
import { badInput } from '../../core/errors';
import {
  ProductArchiveInput,
  ProductCreateInput,
  ProductsArgs,
  ProductUpdateInput,
  ProductVariantsCreateInput,
  ProductVariantUpdateInput,
} from './catalog.inputs';
import { ProductConnection, ProductPayload, ProductVariantPayload, ProductVariantsPayload } from './catalog.payloads';
import { Category } from './category.type';
import { Listing } from './listing.type';
import { Product } from './product.type';
import { ProductVariant } from './variant.type';
import { buyBoxReason, buyBoxReasonText, landedPrice, shippingShare } from './buy-box';
import { ProductOffer } from './buy-box.type';
import { productReads } from './product-reads';
import { searchProducts } from './product-search';
import * as products from './product.service';
import { Access, sellerOrAdmin } from '../../auth/field-access';

const firstListing = (listings: Listing[]): Listing | null => listings[0] ?? null;

@Resolver(() => Product)
export class ProductResolver {
  @Query(() => ProductConnection, { description: 'Active products of the shared catalog, each once with all its sellers.' })
  products(@Ctx() ctx: Context, @Args() args: ProductsArgs, @Info() info: GraphQLResolveInfo) {
    return searchProducts(ctx, args, productReads(info, true));
  }

  @Query(() => Product, { nullable: true, description: 'A product by ID or slug.' })
  product(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('slug', { nullable: true }) slug?: string,
  ): Promise<Product | null> {
    if (!id === !slug) throw badInput('Give exactly one of id and slug.');
    return products.findProduct(ctx, { id, slug }, productReads(info, false));
  }

  @FieldResolver(() => Category, { nullable: true })
  category(@Ctx() ctx: Context, @Root() product: Product): Category | null | Promise<Category | null> {
    return product.categoryUuid ? ctx.loaders.productCategory(product.categoryUuid) : null;
  }

  @FieldResolver(() => [ProductVariant])
  variants(@Ctx() ctx: Context, @Root() product: Product): ProductVariant[] | Promise<ProductVariant[]> {
    return ctx.loaders.productVariants(product.uuid);
  }

  @FieldResolver(() => [Listing], { description: 'Visible listings of every variant, best offer first.' })
  listings(@Ctx() ctx: Context, @Root() product: Product): Listing[] | Promise<Listing[]> {
    // The loader's lists are in buy-box order.
    return ctx.loaders.productListings(product.uuid);
  }

  @FieldResolver(() => Listing, {
    nullable: true,
    description:
      'The buy box: in stock first, then the lowest landed price (NEW wins unless a used or refurbished offer is 10% cheaper), the best seller rating, the shortest handling time, the most stock.',
  })
  bestListing(@Ctx() ctx: Context, @Root() product: Product): Listing | null | Promise<Listing | null> {
    const listings = ctx.loaders.productListings(product.uuid);
    return Array.isArray(listings) ? firstListing(listings) : listings.then(firstListing);
  }

  @FieldResolver(() => [ProductOffer], { description: "Every seller's offer in buy-box order, the winner first with the reason it won." })
  async offers(@Ctx() ctx: Context, @Root() product: Product): Promise<ProductOffer[]> {
    const sorted = await ctx.loaders.productListings(product.uuid);
    return sorted.map((listing, i) => {
      const reasonCode = i === 0 ? buyBoxReason(listing, sorted[1]) : null;
      return {
        position: i + 1,
        listing,
        landedPrice: new Money(landedPrice(listing), listing.price.currency),
        shipping: new Money(shippingShare(listing), listing.price.currency),
        isWinner: i === 0,
        reasonCode,
        reason: reasonCode && buyBoxReasonText[reasonCode],
      };
    });
  }

  @FieldResolver(() => MoneyRange, { nullable: true, description: 'Lowest and highest visible listing price.' })
  priceRange(@Ctx() ctx: Context, @Root() product: Product): MoneyRange | null {
    if (product.minPrice == null || product.maxPrice == null) return null;
    return { min: new Money(product.minPrice, ctx.config.currency), max: new Money(product.maxPrice, ctx.config.currency) };
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ProductPayload, { description: 'Create a catalog product with its variants; it belongs to the calling seller.' })
  productCreate(@Ctx() ctx: Context, @Arg('input') input: ProductCreateInput) {
    return payload(() => products.createProduct(ctx, input));
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ProductPayload)
  productUpdate(@Ctx() ctx: Context, @Arg('input') input: ProductUpdateInput) {
    return payload(() => products.updateProduct(ctx, input));
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ProductPayload, {
    description:
      "Hide a product from the storefront; its listings stay for the record. Refused for a seller (PRODUCT_SHARED) while other sellers have active listings of it; the operator may always.",
  })
  productArchive(@Ctx() ctx: Context, @Arg('input') input: ProductArchiveInput) {
    return payload(() => products.archiveProduct(ctx, input.id));
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ProductVariantsPayload)
  productVariantsCreate(@Ctx() ctx: Context, @Arg('input') input: ProductVariantsCreateInput) {
    return payload(() => products.createVariants(ctx, input));
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ProductVariantPayload)
  productVariantUpdate(@Ctx() ctx: Context, @Arg('input') input: ProductVariantUpdateInput) {
    return payload(() => products.updateVariant(ctx, input));
  }
}
