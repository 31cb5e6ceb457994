import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { Seller } from '../sellers';
import {
  ListingArchiveInput,
  ListingCreateInput,
  ListingStockAdjustInput,
  ListingStockSetInput,
  ListingUpdateInput,
} from './catalog.inputs';
import { ListingPayload } from './catalog.payloads';
import { Listing } from './listing.type';
import { Product } from './product.type';
import { ProductVariant } from './variant.type';
import * as listings from './listing.service';
import { Access, sellerOrAdmin } from '../../auth/field-access';

@Resolver(() => Listing)
export class ListingResolver {
  @FieldResolver(() => Seller)
  seller(@Ctx() ctx: Context, @Root() listing: Listing): Seller | Promise<Seller> {
    // A listing's seller always exists (foreign key).
    return ctx.loaders.listingSeller(listing) as Seller | Promise<Seller>;
  }

  @FieldResolver(() => ProductVariant)
  async variant(@Ctx() ctx: Context, @Root() listing: Listing): Promise<ProductVariant> {
    return (await ctx.loaders.variantById.load(listing.variantUuid))!;
  }

  @FieldResolver(() => Product)
  async product(@Ctx() ctx: Context, @Root() listing: Listing): Promise<Product> {
    return (await ctx.loaders.productById.load(listing.productUuid))!;
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ListingPayload, { description: 'Offer a variant (by ID, or an existing product by GTIN) at your price and stock.' })
  listingCreate(@Ctx() ctx: Context, @Arg('input') input: ListingCreateInput) {
    return payload(() => listings.createListing(ctx, input));
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ListingPayload)
  listingUpdate(@Ctx() ctx: Context, @Arg('input') input: ListingUpdateInput) {
    return payload(() => listings.updateListing(ctx, input));
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ListingPayload)
  listingArchive(@Ctx() ctx: Context, @Arg('input') input: ListingArchiveInput) {
    return payload(() => listings.archiveListing(ctx, input.id));
  }

  @Access(sellerOrAdmin('stock:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ListingPayload, { description: 'Set the stock to an absolute number (a stock count).' })
  listingStockSet(@Ctx() ctx: Context, @Arg('input') input: ListingStockSetInput) {
    return payload(() => listings.setStock(ctx, input));
  }

  @Access(sellerOrAdmin('stock:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ListingPayload, { description: 'Add to or take from the stock atomically; never below zero.' })
  listingStockAdjust(@Ctx() ctx: Context, @Arg('input') input: ListingStockAdjustInput) {
    return payload(() => listings.adjustStock(ctx, input));
  }
}
