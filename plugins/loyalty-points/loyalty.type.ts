import { Field, Int, ObjectType } from 'type-graphql';
import { Money } from 'zoco/plugin';

@ObjectType({ description: "Loyalty points plugin: a customer's points and store credit with one seller." })
export class LoyaltyBalance {
  sellerUuid!: string;

  @Field(() => Int, { description: 'Points available to redeem.' })
  points!: number;

  @Field(() => Int, { description: "Points earned per 1 EUR of an order's total with this seller (rounded down)." })
  pointsPerEuro!: number;

  @Field(() => Int, { description: 'Points this seller takes for 1 EUR of store credit.' })
  pointsPerEuroCredit!: number;

  @Field(() => Money, { description: 'Store credit from redeemed points, honoured by the seller (not applied at checkout yet).' })
  credit!: Money;
}
