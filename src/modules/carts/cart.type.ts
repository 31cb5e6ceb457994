import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress, type AddressData } from '../../core/address';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';
import { Seller } from '../sellers';

export type CartStatus = 'active' | 'completed' | 'merged';

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A shopping cart across sellers. Lines, totals and warnings are computed from current listings when read.',
})
export class Cart extends Node implements NodeSource {
  __typename!: 'Cart';
  uuid!: string;
  customerUuid!: string | null;
  status!: CartStatus;
  currency!: string;

  @Field(() => String, { nullable: true, description: 'Where the order confirmation goes.' })
  email!: string | null;

  @Field(() => MailingAddress, { nullable: true })
  shippingAddress!: AddressData | null;

  @Field(() => [String], { description: 'Discount codes entered with cartCodeApply, in the order given.' })
  codes!: string[];

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A quantity of one listing in a cart.' })
export class CartLine extends Node implements NodeSource {
  __typename!: 'CartLine';
  uuid!: string;
  cartUuid!: string;
  listingUuid!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'The unit price when the line was added; `unitPrice` is the current one.' })
  priceAtAdd!: Money;

  @Field()
  createdAt!: Date;
}

export enum AdjustmentKind {
  DISCOUNT = 'DISCOUNT',
  SURCHARGE = 'SURCHARGE',
}
registerEnumType(AdjustmentKind, { name: 'AdjustmentKind' });

export enum AdjustmentTarget {
  ITEMS = 'ITEMS',
  SHIPPING = 'SHIPPING',
}
registerEnumType(AdjustmentTarget, { name: 'AdjustmentTarget' });

@ObjectType({ simpleResolvers: true, description: 'A discount or surcharge on a seller group (a promotion, an offer, loyalty points…).' })
export class CartAdjustment {
  @Field({ description: "Where it comes from: 'promotion', 'offer', 'plugin:<name>'." })
  source!: string;

  @Field()
  label!: string;

  @Field(() => AdjustmentKind)
  kind!: AdjustmentKind;

  @Field(() => AdjustmentTarget)
  target!: AdjustmentTarget;

  @Field(() => Money)
  amount!: Money;

  @Field(() => ID, { nullable: true, description: 'The cart line it belongs to; null when it is on the whole group.' })
  lineId!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "The purchasable lines of one seller: each seller ships its own parcel." })
export class CartSellerGroup {
  @Field(() => Seller)
  seller!: Seller;

  @Field(() => [CartLine])
  lines!: CartLine[];

  @Field(() => Money)
  subtotal!: Money;

  @Field(() => Money, { description: "The seller's flat rate, or zero from its free-shipping threshold." })
  shipping!: Money;

  @Field(() => Money, { description: 'Discounts on this group: goods and shipping.' })
  discountTotal!: Money;

  @Field(() => [CartAdjustment], { description: 'The discounts (and surcharges) applied to this group, in the order applied.' })
  adjustments!: CartAdjustment[];

  @Field(() => Money, { description: 'subtotal + shipping − discountTotal (+ surcharges).' })
  total!: Money;

  @Field(() => Money, {
    nullable: true,
    description: 'How much more to buy from this seller for free shipping: zero once reached, null if the seller has no threshold.',
  })
  freeShippingRemaining!: Money | null;
}

export enum CartWarningCode {
  PRICE_CHANGED = 'PRICE_CHANGED',
  INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK',
  LISTING_UNAVAILABLE = 'LISTING_UNAVAILABLE',
  /** An adjuster's notice (a code that no longer applies, a promotion's budget used up…); see message. */
  ADJUSTMENT = 'ADJUSTMENT',
}
registerEnumType(CartWarningCode, { name: 'CartWarningCode' });

@ObjectType({ simpleResolvers: true, description: 'A non-blocking notice about a cart line, current as of this read.' })
export class CartWarning {
  @Field(() => CartWarningCode)
  code!: CartWarningCode;

  @Field()
  message!: string;

  @Field(() => ID, { nullable: true })
  lineId!: string | null;

  @Field(() => String, { nullable: true, description: "With code ADJUSTMENT: the adjuster's reason code, e.g. PROMOTION_EXPIRED (the error catalog's)." })
  reason?: string | null;
}
