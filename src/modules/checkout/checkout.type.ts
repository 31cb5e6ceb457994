import { Field, ObjectType } from 'type-graphql';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';

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
