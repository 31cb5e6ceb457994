import { Field, Int, ObjectType } from 'type-graphql';
import { Payload } from '../../core/payload';

@ObjectType()
export class EventsTrackPayload extends Payload {
  @Field(() => Int, { description: 'Events recorded now (for a customer without the personalization consent: counted anonymously).' })
  accepted!: number;

  @Field(() => Int, { description: 'Events received before (same client id): not counted again.' })
  duplicates!: number;
}

@ObjectType()
export class VisitorCreatePayload extends Payload {
  @Field({ nullable: true, description: 'Send it as `visitorId` with eventsTrack, and at sign-up or login to bring the events along.' })
  visitorId?: string;
}
