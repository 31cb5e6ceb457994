import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { Order } from '../orders';
import { Checkout } from './checkout.type';
import { CheckoutPayload, CheckoutWarning } from './checkout.payloads';
import { BuyNowInput, CheckoutCompleteInput } from './checkout.inputs';
import * as checkout from './checkout.service';

@Resolver(() => Checkout)
export class CheckoutResolver {
  @FieldResolver(() => [Order], { description: 'One order per seller.' })
  orders(@Ctx() ctx: Context, @Root() root: Checkout) {
    return ctx.loaders.ordersByCheckoutId.load(root.uuid);
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CheckoutPayload, {
    description: 'Buy the cart: one order and one invoice per seller, one payment. Idempotent on idempotencyKey.',
  })
  checkoutComplete(@Ctx() ctx: Context, @Arg('input') input: CheckoutCompleteInput) {
    return payload(() => checkout.completeCheckout(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CheckoutPayload, { description: 'One click: buy a listing with your default address and payment method.' })
  buyNow(@Ctx() ctx: Context, @Arg('input') input: BuyNowInput) {
    return payload(() => checkout.buyNow(ctx, input));
  }
}

@Resolver(() => CheckoutPayload)
export class CheckoutPayloadResolver {
  @FieldResolver(() => [CheckoutWarning], {
    description: 'Notices that did not stop the purchase, e.g. a promotion whose budget ran out (charged at full price). Empty on a replay.',
  })
  warnings(@Root() result: CheckoutPayload): CheckoutWarning[] {
    return result.warnings ?? [];
  }
}
