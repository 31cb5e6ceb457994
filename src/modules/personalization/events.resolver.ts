import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { createVisitor, trackEvents } from './events-track';
import { EventsTrackInput } from './touchpoint.inputs';
import { EventsTrackPayload, VisitorCreatePayload } from './touchpoint.payloads';

@Resolver()
export class EventsResolver {
  @Mutation(() => EventsTrackPayload, {
    description:
      'Records up to 100 touchpoints of the signed-in customer, or of a guest by their visitorId. Each invalid event gets userErrors at ["input", "events", i, ...]; the valid ones are stored.',
  })
  eventsTrack(@Ctx() ctx: Context, @Arg('input') input: EventsTrackInput) {
    return trackEvents(ctx, input);
  }

  @Mutation(() => VisitorCreatePayload, {
    description: "An anonymous visitor id for a guest's touchpoints; signed, so no client can use another visitor's.",
  })
  visitorCreate(@Ctx() ctx: Context) {
    return createVisitor(ctx);
  }
}
