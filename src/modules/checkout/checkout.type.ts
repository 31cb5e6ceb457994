import { Field, ObjectType } from 'type-graphql';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';
import { toGlobalId } from '../../core/global-id';
import { Payload } from '../../core/payload';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'One purchase: one payment, one order per seller.' })
export class Checkout extends Node implements NodeSource {
  __typename!: 'Checkout';
  uuid!: string;
  customerUuid!: string;

  @Field(() => Money, { description: 'What was charged: the sum of the orders.' })
  total!: Money;

  @Field()
  createdAt!: Date;
}

export interface CheckoutRow {
  id: string;
  customerId: string;
  total: number;
  currency: string;
  createdAt: Date;
}

export function toCheckout(r: CheckoutRow): Checkout {
  return {
    __typename: 'Checkout',
    id: toGlobalId('Checkout', r.id),
    uuid: r.id,
    customerUuid: r.customerId,
    total: new Money(r.total, r.currency),
    createdAt: r.createdAt,
  };
}

@ObjectType({ simpleResolvers: true })
export class CheckoutPayload extends Payload {
  @Field(() => Checkout, { nullable: true })
  checkout?: Checkout;
}
