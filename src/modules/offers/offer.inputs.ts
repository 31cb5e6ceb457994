import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { OfferState } from './offer.type';

@InputType({ description: 'One of your offers.' })
export class OfferIdInput {
  @Field(() => ID)
  id!: string;
}

@ArgsType()
export class OfferPageArgs {
  @Field(() => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' })
  first!: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;

  @Field(() => OfferState, { nullable: true, description: 'Only offers in this state.' })
  state?: OfferState | null;
}

@ArgsType()
export class OffersSubscriptionArgs {
  @Field(() => String, { nullable: true, description: 'The cursor of the last offer you received: those after it are replayed first. Omitted: only new ones.' })
  after?: string | null;
}
