import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class LoyaltyRedeemInput {
  @Field(() => ID, { description: 'The seller whose points are redeemed.' })
  sellerId!: string;

  @Field(() => Int, { description: 'Points to convert into store credit with that seller.' })
  points!: number;

  @Field({ nullable: true, description: 'Makes a retried request redeem once: the same key returns the first result.' })
  idempotencyKey?: string;
}
