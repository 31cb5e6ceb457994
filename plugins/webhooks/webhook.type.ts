import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WebhookDeliveryStatus {
  SUCCEEDED = 'succeeded',
  RETRYING = 'retrying',
  FAILED = 'failed',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'SUCCEEDED: 2xx. RETRYING: this attempt failed, another follows with backoff. FAILED: it failed and was the last attempt.',
});

@ObjectType({ simpleResolvers: true, description: "A URL of the seller's system that receives signed events (webhooks plugin)." })
export class WebhookEndpoint {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [String], { description: 'Event types it receives: `order.paid`, prefixes like `order.*`, or `*` for all.' })
  events!: string[];

  @Field({ description: 'Inactive endpoints receive nothing, retries included.' })
  active!: boolean;

  @Field(() => Date, { nullable: true, description: 'Until then the secret before the last rotation still signs (a second v1).' })
  previousSecretExpiresAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'One attempt to deliver one event to one endpoint.' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  endpointId!: string;

  /** The endpoint's uuid, for the `endpoint` field's loader. */
  endpointUuid!: string;

  @Field({ description: 'The webhook-id header: the same on every attempt, for deduplication.' })
  eventId!: string;

  @Field()
  eventType!: string;

  @Field({ description: "The endpoint's URL at the time of this attempt." })
  url!: string;

  @Field(() => Int, { description: '1 for the first attempt.' })
  attempt!: number;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { nullable: true, description: "The endpoint's HTTP status; null when it did not answer." })
  responseStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'The first kilobyte of the answer.' })
  responseBody!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the attempt failed: HTTP status, timeout, connection error.' })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;

  @Field()
  createdAt!: Date;
}
