import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Money, Payload } from '../../src/plugin';

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

@InputType()
export class LoyaltyRedeemInput {
  @Field(() => ID, { description: 'The seller whose points are redeemed.' })
  sellerId!: string;

  @Field(() => Int, { description: 'Points to convert into store credit with that seller.' })
  points!: number;

  @Field({ nullable: true, description: 'Makes a retried request redeem once: the same key returns the first result.' })
  idempotencyKey?: string;
}

@ObjectType()
export class LoyaltyRedeemPayload extends Payload {
  @Field(() => LoyaltyBalance, { nullable: true, description: 'The balance after the redemption.' })
  balance?: LoyaltyBalance;

  @Field(() => Money, { nullable: true, description: 'The store credit this redemption granted.' })
  credit?: Money;
}
