import { Field, ObjectType } from 'type-graphql';
import { Money, Payload } from 'zoco/plugin';
import { LoyaltyBalance } from './loyalty.type';

@ObjectType()
export class LoyaltyRedeemPayload extends Payload {
  @Field(() => LoyaltyBalance, { nullable: true, description: 'The balance after the redemption.' })
  balance?: LoyaltyBalance;

  @Field(() => Money, { nullable: true, description: 'The store credit this redemption granted.' })
  credit?: Money;
}
