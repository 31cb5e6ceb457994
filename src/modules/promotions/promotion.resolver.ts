import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
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

@Resolver(() => Promotion)
export class PromotionResolver {
  @Mutation(() => PromotionPayload, { description: 'A promotion on your own listings (seller key with promotions:write; the operator names sellerId).' })
  promotionCreate(@Ctx() ctx: Context, @Arg('input') input: PromotionCreateInput) {
    return payload(() => promotions.createPromotion(ctx, input));
  }

  @Mutation(() => PromotionPayload, { description: 'Change the given fields of your promotion.' })
  promotionUpdate(@Ctx() ctx: Context, @Arg('input') input: PromotionUpdateInput) {
    return payload(() => promotions.updatePromotion(ctx, input));
  }

  @Mutation(() => PromotionPayload, { description: 'Stop applying it for now (promotionResume starts it again).' })
  promotionPause(@Ctx() ctx: Context, @Arg('input') input: PromotionIdInput) {
    return payload(() => promotions.setPromotionStatus(ctx, input.id, 'paused'));
  }

  @Mutation(() => PromotionPayload)
  promotionResume(@Ctx() ctx: Context, @Arg('input') input: PromotionIdInput) {
    return payload(() => promotions.setPromotionStatus(ctx, input.id, 'active'));
  }

  @Mutation(() => PromotionPayload, { description: 'End it for good; its shared code becomes free for another promotion.' })
  promotionArchive(@Ctx() ctx: Context, @Arg('input') input: PromotionIdInput) {
    return payload(() => promotions.setPromotionStatus(ctx, input.id, 'archived'));
  }

  @Mutation(() => PromotionCodesGeneratePayload, { description: 'Single-use codes for a UNIQUE_CODES promotion.' })
  promotionCodesGenerate(@Ctx() ctx: Context, @Arg('input') input: PromotionCodesGenerateInput) {
    return payload(() => generateCodes(ctx, input));
  }

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
