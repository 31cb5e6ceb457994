import { Field, ID, ObjectType } from 'type-graphql';
import { Payload, connectionType } from 'zoco/plugin';
import { WebhookDelivery, WebhookEndpoint } from './webhook.type';

@ObjectType()
export class WebhookDeliveryConnection extends connectionType('WebhookDelivery', WebhookDelivery) {}

@ObjectType({ simpleResolvers: true })
export class WebhookEndpointPayload extends Payload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint?: WebhookEndpoint;
}

@ObjectType({ simpleResolvers: true })
export class WebhookEndpointSecretPayload extends Payload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint?: WebhookEndpoint;

  @Field(() => String, { nullable: true, description: 'The signing secret, shown only here: store it now.' })
  secret?: string;
}

@ObjectType({ simpleResolvers: true })
export class WebhookEndpointDeletePayload extends Payload {
  @Field(() => ID, { nullable: true })
  deletedId?: string;
}
