import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Access, sellerOrAdmin } from '../../auth/field-access';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/connection';
import { payload } from '../../core/payload';
import { CartPayload } from '../carts';
import { Seller } from '../sellers';
import { applyCartCode, generateCodes, removeCartCode } from './promotion-codes';
import { CartCodeInput, PromotionCodesGenerateInput, PromotionCreateInput, PromotionIdInput, PromotionPreviewInput, PromotionUpdateInput } from './promotion.inputs';
import { PromotionCodesGeneratePayload, PromotionConnection, PromotionPayload, PromotionPreviewPayload } from './promotion.payloads';
import * as promotions from './promotion.service';
import { Promotion } from './promotion.type';

/** Every operation on promotions is a seller key's with promotions:write, or the operator's: refused before its input is read. */
const promotionsWrite = sellerOrAdmin('promotions:write');

@Resolver(() => Promotion)
export class PromotionResolver {
  @Access(promotionsWrite)
  @Mutation(() => PromotionPayload, { description: 'A promotion on your own listings (seller key with promotions:write; the operator names sellerId).' })
  promotionCreate(@Ctx() ctx: Context, @Arg('input') input: PromotionCreateInput) {
    return payload(() => promotions.createPromotion(ctx, input));
  }

  @Access(promotionsWrite)
  @Mutation(() => PromotionPayload, { description: 'Change the given fields of your promotion.' })
  promotionUpdate(@Ctx() ctx: Context, @Arg('input') input: PromotionUpdateInput) {
    return payload(() => promotions.updatePromotion(ctx, input));
  }

  @Access(promotionsWrite)
  @Mutation(() => PromotionPayload, { description: 'Stop applying it for now (promotionResume starts it again).' })
  promotionPause(@Ctx() ctx: Context, @Arg('input') input: PromotionIdInput) {
    return payload(() => promotions.setPromotionStatus(ctx, input.id, 'paused'));
  }

  @Access(promotionsWrite)
  @Mutation(() => PromotionPayload)
  promotionResume(@Ctx() ctx: Context, @Arg('input') input: PromotionIdInput) {
    return payload(() => promotions.setPromotionStatus(ctx, input.id, 'active'));
  }

  @Access(promotionsWrite)
  @Mutation(() => PromotionPayload, { description: 'End it for good; its shared code becomes free for another promotion.' })
  promotionArchive(@Ctx() ctx: Context, @Arg('input') input: PromotionIdInput) {
    return payload(() => promotions.setPromotionStatus(ctx, input.id, 'archived'));
  }

  @Access(promotionsWrite)
  @Mutation(() => PromotionCodesGeneratePayload, { description: 'Single-use codes for a UNIQUE_CODES promotion.' })
  promotionCodesGenerate(@Ctx() ctx: Context, @Arg('input') input: PromotionCodesGenerateInput) {
    return payload(() => generateCodes(ctx, input));
  }

  @Access(promotionsWrite)
  @Query(() => PromotionPreviewPayload, { description: 'How many customers a targeting rule reaches now: a count only, never who. Fast enough to call while typing.' })
  promotionPreview(@Ctx() ctx: Context, @Arg('input') input: PromotionPreviewInput) {
    return payload(() => promotions.previewPromotion(ctx, input));
  }
}

/** Seller.promotions: the promotions module extends the sellers module's type. */
@Resolver(() => Seller)
export class SellerPromotionsResolver {
  @FieldResolver(() => PromotionConnection, { description: 'Your promotions, newest first (seller key with promotions:write, or the operator).' })
  promotions(@Ctx() ctx: Context, @Root() seller: Seller, @Args() page: PageArgs) {
    return promotions.listSellerPromotions(ctx, seller.uuid, page);
  }
}

@Resolver(() => CartPayload)
export class CartCodeResolver {
  @Mutation(() => CartPayload, { description: 'Enter a discount code; one that does not apply gets a userError saying why (code PROMOTION_…).' })
  cartCodeApply(@Ctx() ctx: Context, @Arg('input') input: CartCodeInput) {
    return payload(() => applyCartCode(ctx, input));
  }

  @Mutation(() => CartPayload)
  cartCodeRemove(@Ctx() ctx: Context, @Arg('input') input: CartCodeInput) {
    return payload(() => removeCartCode(ctx, input));
  }
}
