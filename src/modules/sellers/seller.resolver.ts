import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/connection';
import { payload } from '../../core/payload';
import { badInput } from '../../core/errors';
import * as sellers from './seller.service';
import { Seller, ShippingPolicy } from './seller.type';
import { Money } from '../../core/money';
import { SellerApiKey } from './seller-api-key.type';
import {
  SellerApiKeyCreateInput,
  SellerApiKeyRevokeInput,
  SellerCreateInput,
  SellerReactivateInput,
  SellerSuspendInput,
  SellerUpdateInput,
} from './seller.inputs';
import { SellerApiKeyCreatePayload, SellerApiKeyRevokePayload, SellerConnection, SellerCreatePayload, SellerPayload } from './seller.payloads';
import { Access, sellerOrAdmin } from '../../auth/field-access';

@Resolver(() => Seller)
export class SellerResolver {
  @Query(() => Seller, { nullable: true, description: 'A seller by ID or slug. Suspended sellers are hidden from the storefront.' })
  seller(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('slug', { nullable: true }) slug?: string,
  ): Promise<Seller | null> {
    if (!id === !slug) throw badInput('Give exactly one of id and slug.');
    return sellers.findSeller(ctx, { id, slug });
  }

  @Query(() => SellerConnection, { description: 'Active sellers, newest first (the operator also sees suspended ones).' })
  sellers(@Ctx() ctx: Context, @Args() page: PageArgs) {
    return sellers.listSellers(ctx, page);
  }

  @Authorized('SELLER')
  @Query(() => Seller, { nullable: true, description: 'The seller of the API key in use.' })
  currentSeller(@Ctx() ctx: Context): Promise<Seller | null> {
    return sellers.currentSeller(ctx);
  }

  @FieldResolver(() => ShippingPolicy)
  shipping(@Ctx() ctx: Context, @Root() seller: Seller): ShippingPolicy {
    const money = (amount: number) => new Money(amount, ctx.config.currency);
    return {
      flatRate: money(seller.shippingRate),
      freeShippingThreshold: seller.freeShippingThreshold == null ? null : money(seller.freeShippingThreshold),
    };
  }

  @FieldResolver(() => [SellerApiKey], { description: 'Only for the seller itself and the operator.' })
  apiKeys(@Ctx() ctx: Context, @Root() seller: Seller): Promise<SellerApiKey[]> {
    return sellers.listApiKeys(ctx, seller);
  }

  @Authorized('ADMIN')
  @Mutation(() => SellerCreatePayload, { description: 'Operator: register a seller; returns its first API key once.' })
  sellerCreate(@Ctx() ctx: Context, @Arg('input') input: SellerCreateInput) {
    return payload(() => sellers.createSeller(ctx, input));
  }

  @Access(sellerOrAdmin('settings:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => SellerPayload, { description: 'A seller updates its own profile; the operator any.' })
  sellerUpdate(@Ctx() ctx: Context, @Arg('input') input: SellerUpdateInput) {
    return payload(() => sellers.updateSeller(ctx, input));
  }

  @Authorized('ADMIN')
  @Mutation(() => SellerPayload, { description: 'Operator: hide a seller and its listings from the storefront and block its keys.' })
  sellerSuspend(@Ctx() ctx: Context, @Arg('input') input: SellerSuspendInput) {
    return payload(() => sellers.suspendSeller(ctx, input));
  }

  @Authorized('ADMIN')
  @Mutation(() => SellerPayload)
  sellerReactivate(@Ctx() ctx: Context, @Arg('input') input: SellerReactivateInput) {
    return payload(() => sellers.reactivateSeller(ctx, input.sellerId));
  }

  @Access(sellerOrAdmin('keys:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => SellerApiKeyCreatePayload, { description: 'Create an API key; the secret is returned only here.' })
  sellerApiKeyCreate(@Ctx() ctx: Context, @Arg('input') input: SellerApiKeyCreateInput) {
    return payload(() => sellers.createApiKey(ctx, input));
  }

  @Access(sellerOrAdmin('keys:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => SellerApiKeyRevokePayload)
  sellerApiKeyRevoke(@Ctx() ctx: Context, @Arg('input') input: SellerApiKeyRevokeInput) {
    return payload(() => sellers.revokeApiKey(ctx, input.id));
  }
}
