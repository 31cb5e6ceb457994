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

  @Field(() => Money)
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
}
