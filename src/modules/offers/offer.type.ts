import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';

export enum OfferState {
  NEW = 'NEW',
  SEEN = 'SEEN',
  DISMISSED = 'DISMISSED',
  REDEEMED = 'REDEEMED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(OfferState, { name: 'OfferState' });

export enum OfferTrigger {
  PROMOTION_TARGETED = 'PROMOTION_TARGETED',
  CART_IDLE = 'CART_IDLE',
  REPEATED_VIEWS = 'REPEATED_VIEWS',
  PRICE_DROP = 'PRICE_DROP',
  BACK_IN_STOCK = 'BACK_IN_STOCK',
  PLUGIN = 'PLUGIN',
}
registerEnumType(OfferTrigger, { name: 'OfferTrigger', description: 'What made the offer engine make an offer.' });

@ObjectType({ simpleResolvers: true, description: 'A discount: a percentage of the price, an amount off, or free shipping (exactly one).' })
export class OfferDiscount {
  @Field(() => Int, { nullable: true, description: '1 to 90 (% off).' })
  percent!: number | null;

  @Field(() => Money, { nullable: true })
  amount!: Money | null;

  @Field({ description: "The seller's shipping is free (a FREE_SHIPPING promotion's offer)." })
  freeShipping!: boolean;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'An offer made for the signed-in customer alone.' })
export class Offer extends Node implements NodeSource {
  __typename!: 'Offer';
  uuid!: string;
  customerUuid!: string;
  sequence!: number;
  productUuid!: string | null;
  listingUuid!: string | null;

  @Field({ description: 'Its place in the customer’s stream of offers: `offers(after:)` resumes after it.' })
  cursor!: string;

  @Field(() => OfferTrigger)
  trigger!: OfferTrigger;

  @Field(() => String, { nullable: true, description: 'The promotion the discount comes from, when one does.' })
  promotionId!: string | null;

  @Field(() => OfferDiscount)
  discount!: OfferDiscount;

  @Field({ description: 'Why the customer gets it, in their language ("Porque viste este producto 3 veces").' })
  reason!: string;

  @Field(() => OfferState)
  state!: OfferState;

  @Field()
  createdAt!: Date;

  @Field()
  expiresAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'One offer of the `offers` subscription, with the cursor to resume after it.' })
export class OfferDelivery {
  @Field()
  cursor!: string;

  @Field(() => Offer)
  offer!: Offer;
}
