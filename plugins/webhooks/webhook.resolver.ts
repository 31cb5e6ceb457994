import DataLoader from 'dataloader';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { payload, perRequest } from 'zoco/plugin';
import type { Context } from './webhook.config';
import * as webhooks from './webhook.service';
import {
  WebhookDeliveryConnection,
  WebhookEndpointDeletePayload,
  WebhookEndpointPayload,
  WebhookEndpointSecretPayload,
} from './webhook.payloads';
import { WebhookDelivery, WebhookEndpoint } from './webhook.type';
import {
  WebhookDeliveriesArgs,
  WebhookEndpointCreateInput,
  WebhookEndpointIdInput,
  WebhookEndpointSecretRotateInput,
  WebhookEndpointUpdateInput,
} from './webhook.inputs';

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Query(() => [WebhookEndpoint], { description: "Webhooks plugin: the calling seller's endpoints, oldest first." })
  webhookEndpoints(@Ctx() ctx: Context) {
    return webhooks.listEndpoints(ctx);
  }

  @Query(() => WebhookEndpoint, { nullable: true, description: 'Webhooks plugin: one of your endpoints (null for anyone else’s).' })
  webhookEndpoint(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return webhooks.findEndpoint(ctx, id);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Webhooks plugin: your delivery log, one entry per attempt, newest first.' })
  webhookDeliveries(@Ctx() ctx: Context, @Args() args: WebhookDeliveriesArgs) {
    return webhooks.listDeliveries(ctx, args);
  }

  @Mutation(() => WebhookEndpointSecretPayload, { description: 'Webhooks plugin: a new endpoint; its signing secret is shown only in this payload.' })
  webhookEndpointCreate(@Ctx() ctx: Context, @Arg('input') input: WebhookEndpointCreateInput) {
    return payload(() => webhooks.createEndpoint(ctx, input));
  }

  @Mutation(() => WebhookEndpointPayload, { description: "Webhooks plugin: change an endpoint's URL, events or active flag." })
  webhookEndpointUpdate(@Ctx() ctx: Context, @Arg('input') input: WebhookEndpointUpdateInput) {
    return payload(() => webhooks.updateEndpoint(ctx, input));
  }

  @Mutation(() => WebhookEndpointDeletePayload, { description: 'Webhooks plugin: delete an endpoint and its delivery log.' })
  webhookEndpointDelete(@Ctx() ctx: Context, @Arg('input') input: WebhookEndpointIdInput) {
    return payload(() => webhooks.deleteEndpoint(ctx, input));
  }

  @Mutation(() => WebhookEndpointSecretPayload, {
    description: 'Webhooks plugin: a new signing secret, shown once; the old one keeps signing beside it for overlapHours.',
  })
  webhookEndpointSecretRotate(@Ctx() ctx: Context, @Arg('input') input: WebhookEndpointSecretRotateInput) {
    return payload(() => webhooks.rotateSecret(ctx, input));
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => WebhookEndpoint, { nullable: true })
  endpoint(@Ctx() ctx: Context, @Root() delivery: WebhookDelivery) {
    const loader = perRequest(ctx, 'webhooks:endpointById', () => new DataLoader((ids: readonly string[]) => webhooks.endpointsByIds(ctx, ids)));
    return loader.load(delivery.endpointUuid);
  }
}
