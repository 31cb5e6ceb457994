import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from 'zoco/plugin';
import { WebhookDeliveryStatus } from './webhook.type';

@InputType()
export class WebhookEndpointCreateInput {
  @Field({ description: 'https; plain http only to localhost or 127.0.0.1, outside production (for development).' })
  url!: string;

  @Field(() => [String], { description: 'Event types (`order.paid`), prefixes (`order.*`) or `*` for every event.' })
  events!: string[];

  @Field({ defaultValue: true })
  active!: boolean;
}

@InputType()
export class WebhookEndpointUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  url?: string;

  @Field(() => [String], { nullable: true })
  events?: string[];

  @Field({ nullable: true })
  active?: boolean;
}

@InputType()
export class WebhookEndpointIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class WebhookEndpointSecretRotateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, {
    defaultValue: 24,
    description: 'Hours the old secret keeps signing beside the new one (0–168); 0 retires it at once, e.g. after a leak.',
  })
  overlapHours!: number;
}

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  endpointId?: string;

  @Field(() => WebhookDeliveryStatus, { nullable: true })
  status?: WebhookDeliveryStatus;

  @Field({ nullable: true, description: 'Only the attempts for this event (the webhook-id header).' })
  eventId?: string;
}
