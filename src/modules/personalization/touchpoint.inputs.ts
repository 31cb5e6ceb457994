import { Field, ID, InputType } from 'type-graphql';
import { TouchpointChannel, TouchpointEventType } from './touchpoint.type';

@InputType({ description: 'One touchpoint, as the client saw it.' })
export class TouchpointEventInput {
  @Field({
    nullable: true,
    description: "The client's own id of the event (at most 100 characters): a batch resent after a lost answer is never counted twice.",
  })
  id?: string;

  @Field(() => TouchpointEventType)
  type!: TouchpointEventType;

  @Field(() => TouchpointChannel)
  channel!: TouchpointChannel;

  @Field({ description: "The client's clock: at most 7 days old, and not in the future (5 minutes of clock skew are tolerated)." })
  occurredAt!: Date;

  @Field(() => ID, { nullable: true })
  productId?: string;

  @Field(() => ID, { nullable: true, description: 'Implies its product, seller and category.' })
  listingId?: string;

  @Field(() => ID, { nullable: true })
  sellerId?: string;

  @Field(() => ID, { nullable: true, description: "Defaults to the product's category." })
  categoryId?: string;

  @Field({ nullable: true, description: 'What was searched for (SEARCH_PERFORMED), at most 200 characters.' })
  searchText?: string;
}

@InputType()
export class EventsTrackInput {
  @Field(() => [TouchpointEventInput], { description: 'At most 100 events.' })
  events!: TouchpointEventInput[];

  @Field({ nullable: true, description: 'A guest’s visitor id from visitorCreate (required for guests; ignored for customers).' })
  visitorId?: string;
}
