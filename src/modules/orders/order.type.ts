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

  @Field(() => Money, { description: 'VAT included.' })
  total!: Money;
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

  @Field(() => Money, { description: 'The VAT included in the total.' })
  tax!: Money;

  @Field(() => Money)
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
