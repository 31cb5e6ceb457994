import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Customer, Listing, Seller, payload } from 'zoco/plugin';
import type { Context } from './loyalty.config';
import { customerBalances, listingPoints, redeem } from './loyalty.service';
import { LoyaltyRedeemInput } from './loyalty.inputs';
import { LoyaltyRedeemPayload } from './loyalty.payloads';
import { LoyaltyBalance } from './loyalty.type';

@Resolver(() => Customer)
export class CustomerLoyaltyResolver {
  @FieldResolver(() => [LoyaltyBalance], { description: 'Loyalty points plugin: your points with each seller that runs it.' })
  loyalty(@Ctx() ctx: Context, @Root() customer: Customer) {
    return customerBalances(ctx, customer.uuid);
  }
}

@Resolver(() => LoyaltyBalance)
export class LoyaltyBalanceResolver {
  @FieldResolver(() => Seller)
  async seller(@Ctx() ctx: Context, @Root() balance: LoyaltyBalance) {
    return (await ctx.plugin.node<Seller>('Seller', balance.sellerUuid))!;
  }
}

@Resolver(() => Listing)
export class ListingLoyaltyResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: "Loyalty points plugin: points earned buying one unit at this price; null where the seller doesn't run it.",
  })
  loyaltyPoints(@Ctx() ctx: Context, @Root() listing: Listing) {
    return listingPoints(ctx, listing);
  }
}

@Resolver()
export class LoyaltyRedeemResolver {
  @Mutation(() => LoyaltyRedeemPayload, {
    description: 'Loyalty points plugin, customers: converts points into store credit with one seller (100 points = 1 EUR unless the seller says otherwise).',
  })
  loyaltyRedeem(@Ctx() ctx: Context, @Arg('input') input: LoyaltyRedeemInput) {
    return payload(() => redeem(ctx, input));
  }
}
