import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/connection';
import { Seller } from '../sellers';
import { ListingConnection } from './catalog.payloads';
import { listSellerListings } from './listing.service';

/** Extends the sellers module's Seller type with its catalog: the catalog depends on sellers, not the reverse. */
@Resolver(() => Seller)
export class SellerListingsResolver {
  @FieldResolver(() => ListingConnection, { description: "The seller's listings, newest first." })
  listings(@Ctx() ctx: Context, @Root() seller: Seller, @Args() page: PageArgs) {
    return listSellerListings(ctx, seller.uuid, page);
  }
}
