import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../core/money';
import { BuyBoxReason } from './buy-box';
import { Listing } from './listing.type';

registerEnumType(BuyBoxReason, { name: 'BuyBoxReason', description: 'The first buy-box rule that puts the winner above the runner-up.' });

@ObjectType({ simpleResolvers: true, description: "One seller's offer of a product, in buy-box order (catalog/buy-box.ts)." })
export class ProductOffer {
  @Field(() => Int, { description: '1 for the buy-box winner.' })
  position!: number;

  @Field(() => Listing)
  listing!: Listing;

  @Field(() => Money, { description: "The item's price plus its share of the seller's shipping (one unit bought alone)." })
  landedPrice!: Money;

  @Field(() => Money, { description: 'The shipping share in the landed price (zero above the seller’s free-shipping threshold).' })
  shipping!: Money;

  @Field({ description: 'Whether this offer holds the buy box.' })
  isWinner!: boolean;

  @Field(() => BuyBoxReason, { nullable: true, description: 'The winner only: why it beat the runner-up.' })
  reasonCode!: BuyBoxReason | null;

  @Field(() => String, { nullable: true, description: 'The winner only: the reason in words.' })
  reason!: string | null;
}
