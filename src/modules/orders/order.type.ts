import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AddressData } from '../../core/address';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';

export enum OrderState {
  PLACED = 'placed',
  PAID = 'paid',
  FULFILLED = 'fulfilled',
  DELIVERED = 'delivered',
  CANCELLED = 'cancelled',
}
registerEnumType(OrderState, { name: 'OrderState' });

@ObjectType({ simpleResolvers: true })
export class OrderLine {
  @Field(() => ID)
  id!: string;

  listingUuid!: string;
  productUuid!: string;

  @Field()
  title!: string;

  @Field()
  variantTitle!: string;

  @Field()
  sku!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'VAT included.' })
  unitPrice!: Money;

  @Field(() => Money, { description: 'VAT included, before discounts.' })
  total!: Money;

  @Field(() => Money, { description: "This line's share of the order's goods discounts." })
  discount!: Money;
}

@ObjectType({ simpleResolvers: true, description: 'A discount (promotion, code, offer, loyalty points) or surcharge the order received at checkout.' })
export class OrderAdjustment {
  @Field({ description: "'promotion', 'offer', 'plugin:<name>'." })
  source!: string;

  @Field()
  label!: string;

  @Field({ description: 'DISCOUNT or SURCHARGE.' })
  kind!: string;

  @Field({ description: 'ITEMS or SHIPPING.' })
  target!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => Int, { nullable: true, description: 'The position (0-based) in `lines` of the line it belongs to; null for the whole order.' })
  linePosition!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'Who bought, as a seller may see it.' })
export class OrderCustomer {
  @Field()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'For the customer and the operator; for a seller only with the customer’s share-profile consent and a key with customers:read.',
  })
  email!: string | null;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "One seller's part of a checkout." })
export class Order extends Node implements NodeSource {
  __typename!: 'Order';
  uuid!: string;
  sellerUuid!: string;
  customerUuid!: string;
  checkoutUuid!: string;

  @Field(() => OrderState)
  state!: OrderState;

  @Field(() => Money, { description: 'Goods, VAT included.' })
  subtotal!: Money;

  @Field(() => Money)
  shipping!: Money;

  @Field(() => Money, { description: 'Discounts on goods and shipping (see `adjustments`); total is net of them.' })
  discountTotal!: Money;

  @Field(() => Money, { description: 'The VAT included in the total.' })
  tax!: Money;

  @Field(() => Money, { description: 'subtotal + shipping − discountTotal: what was charged.' })
  total!: Money;

  shippingAddress!: AddressData;

  @Field(() => String, { nullable: true })
  carrier!: string | null;

  @Field(() => String, { nullable: true })
  trackingNumber!: string | null;

  @Field(() => String, { nullable: true })
  cancelReason!: string | null;

  @Field()
  placedAt!: Date;

  @Field(() => Date, { nullable: true })
  paidAt!: Date | null;

  @Field(() => Date, { nullable: true })
  fulfilledAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date, { nullable: true })
  cancelledAt!: Date | null;
}
