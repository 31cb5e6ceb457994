import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress, type AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';
import { Seller } from '../sellers';
import type { CartStatus } from './cart.entity';

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

export interface CartRow {
  id: string;
  customerId: string | null;
  currency: string;
  email: string | null;
  shippingAddress: AddressData | null;
  status: CartStatus;
  createdAt: Date;
  updatedAt: Date;
}

export const CART_COLUMNS = `c.id, c.customer_id AS "customerId", c.currency, c.email, c.shipping_address AS "shippingAddress",
  c.status, c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

export function toCart(r: CartRow): Cart {
  return {
    __typename: 'Cart',
    id: toGlobalId('Cart', r.id),
    uuid: r.id,
    customerUuid: r.customerId,
    status: r.status,
    currency: r.currency,
    email: r.email,
    shippingAddress: r.shippingAddress,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
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

export interface CartLineRow {
  id: string;
  cartId: string;
  listingId: string;
  quantity: number;
  priceAtAdd: number;
  currency: string;
  createdAt: Date;
}

/** Selects a CartLineRow from `cart_line cl JOIN cart c`. */
export const CART_LINE_COLUMNS = `cl.id, cl.cart_id AS "cartId", cl.listing_id AS "listingId", cl.quantity,
  cl.price_at_add AS "priceAtAdd", c.currency, cl.created_at AS "createdAt"`;

/**
 * created_at of the n-th row of a multi-row insert (`unnest(...) WITH ORDINALITY AS u(..., n)`). Lines are
 * shown in created_at order and now() is the same for a whole transaction, so lines added together would
 * tie: a microsecond apart, they keep the order they were given in.
 */
export const IN_INPUT_ORDER = "now() + (u.n - 1) * interval '1 microsecond'";

export function toCartLine(r: CartLineRow): CartLine {
  return {
    __typename: 'CartLine',
    id: toGlobalId('CartLine', r.id),
    uuid: r.id,
    cartUuid: r.cartId,
    listingUuid: r.listingId,
    quantity: r.quantity,
    priceAtAdd: new Money(r.priceAtAdd, r.currency),
    createdAt: r.createdAt,
  };
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
