import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Money } from '../../core/money';
import { payload } from '../../core/payload';
import { Listing } from '../catalog/listing.type';
import { Cart, CartLine, CartSellerGroup, CartWarning } from './cart.type';
import {
  CartBuyerIdentityUpdateInput,
  CartCreateInput,
  CartLinesAddInput,
  CartLinesRemoveInput,
  CartLinesUpdateInput,
} from './cart.inputs';
import { CartPayload } from './cart.payloads';
import { cartSummary, lineState } from './cart-totals';
import { cartWarnings } from './cart-warnings';
import * as carts from './cart.service';

@Resolver(() => Cart)
export class CartResolver {
  @Query(() => Cart, { nullable: true, description: 'A cart by ID: a guest cart for whoever holds its ID, a customer cart for that customer.' })
  cart(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return carts.cartByGlobalId(ctx, id);
  }

  @FieldResolver(() => [CartLine], { description: 'Every line, oldest first, including those no longer available.' })
  lines(@Ctx() ctx: Context, @Root() cart: Cart) {
    return carts.cartLines(ctx, cart);
  }

  @FieldResolver(() => [CartSellerGroup], { description: 'The available lines by seller, each with its shipping.' })
  async sellerGroups(@Ctx() ctx: Context, @Root() cart: Cart) {
    return (await cartSummary(ctx, cart)).groups;
  }

  @FieldResolver(() => Money, { description: 'Available lines at current prices.' })
  async subtotal(@Ctx() ctx: Context, @Root() cart: Cart) {
    return (await cartSummary(ctx, cart)).subtotal;
  }

  @FieldResolver(() => Money, { description: "The sum of the seller groups' shipping." })
  async shipping(@Ctx() ctx: Context, @Root() cart: Cart) {
    return (await cartSummary(ctx, cart)).shipping;
  }

  @FieldResolver(() => Money, { description: "The discounts of every seller group (promotions, codes, offers, points): goods and shipping." })
  async discountTotal(@Ctx() ctx: Context, @Root() cart: Cart) {
    return (await cartSummary(ctx, cart)).discountTotal;
  }

  @FieldResolver(() => Money, { description: 'subtotal + shipping − discountTotal.' })
  async total(@Ctx() ctx: Context, @Root() cart: Cart) {
    return (await cartSummary(ctx, cart)).total;
  }

  @FieldResolver(() => Int, { description: 'Units in the available lines.' })
  async totalQuantity(@Ctx() ctx: Context, @Root() cart: Cart) {
    return (await cartSummary(ctx, cart)).totalQuantity;
  }

  @FieldResolver(() => [CartWarning], { description: 'Price changes, short stock and unavailable listings, as of now.' })
  warnings(@Ctx() ctx: Context, @Root() cart: Cart) {
    return cartWarnings(ctx, cart);
  }

  @Mutation(() => CartPayload, { description: "A new guest cart; for a signed-in customer, their active cart (created if needed). Lines are added to it." })
  cartCreate(@Ctx() ctx: Context, @Arg('input', () => CartCreateInput, { nullable: true }) input?: CartCreateInput) {
    return payload(() => carts.createCart(ctx, input));
  }

  @Mutation(() => CartPayload, { description: 'Add listings; one already in the cart gets the quantity added.' })
  cartLinesAdd(@Ctx() ctx: Context, @Arg('input') input: CartLinesAddInput) {
    return payload(() => carts.addCartLines(ctx, input));
  }

  @Mutation(() => CartPayload, { description: 'Set line quantities; 0 removes a line.' })
  cartLinesUpdate(@Ctx() ctx: Context, @Arg('input') input: CartLinesUpdateInput) {
    return payload(() => carts.updateCartLines(ctx, input));
  }

  @Mutation(() => CartPayload)
  cartLinesRemove(@Ctx() ctx: Context, @Arg('input') input: CartLinesRemoveInput) {
    return payload(() => carts.removeCartLines(ctx, input));
  }

  @Mutation(() => CartPayload, { description: 'Set the email and the shipping address (given, or one of your saved addresses).' })
  cartBuyerIdentityUpdate(@Ctx() ctx: Context, @Arg('input') input: CartBuyerIdentityUpdateInput) {
    return payload(() => carts.updateBuyerIdentity(ctx, input));
  }
}

@Resolver(() => CartLine)
export class CartLineResolver {
  @FieldResolver(() => Listing)
  async listing(@Ctx() ctx: Context, @Root() line: CartLine): Promise<Listing> {
    return (await ctx.loaders.listingById.load(line.listingUuid))!;
  }

  @FieldResolver(() => Money, { description: "The listing's current price: what the cart charges." })
  async unitPrice(@Ctx() ctx: Context, @Root() line: CartLine) {
    return (await lineState(ctx, line)).unitPrice;
  }

  @FieldResolver(() => Money, { description: 'unitPrice × quantity.' })
  async subtotal(@Ctx() ctx: Context, @Root() line: CartLine) {
    return (await lineState(ctx, line)).subtotal;
  }

  @FieldResolver(() => Money, { description: "This line's share of the discounts (a group-wide discount is spread over the lines in proportion)." })
  async discount(@Ctx() ctx: Context, @Root() line: CartLine) {
    const cart = (await ctx.loaders.cartById.load(line.cartUuid))!;
    const discount = (await cartSummary(ctx, cart)).lineDiscounts.get(line.uuid) ?? 0;
    return new Money(discount, cart.currency);
  }

  @FieldResolver(() => Boolean, { description: 'False when the listing was archived, its seller suspended or its product withdrawn; such lines are left out of the totals.' })
  async available(@Ctx() ctx: Context, @Root() line: CartLine): Promise<boolean> {
    return (await lineState(ctx, line)).available;
  }
}

@Resolver(() => CartPayload)
export class CartPayloadResolver {
  @FieldResolver(() => [CartWarning])
  warnings(@Ctx() ctx: Context, @Root() result: CartPayload) {
    return result.cart ? cartWarnings(ctx, result.cart) : [];
  }
}
