import { toGlobalId } from 'zoco/plugin';
import type { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity';
import { DELIVERY, ENDPOINT } from './webhook-ids';
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.type';

export function toEndpoint(e: WebhookEndpointEntity): WebhookEndpoint {
  const overlap = e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date();
  return {
    id: toGlobalId(ENDPOINT, e.id),
    url: e.url,
    events: e.events,
    active: e.active,
    previousSecretExpiresAt: overlap ? e.previousSecretExpiresAt : null,
    createdAt: e.createdAt,
  };
}

export function toDelivery(d: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: toGlobalId(DELIVERY, d.id),
    endpointId: toGlobalId(ENDPOINT, d.endpointId),
    endpointUuid: d.endpointId,
    eventId: String(d.eventId),
    eventType: d.eventType,
    url: d.url,
    attempt: d.attempt,
    status: d.status as WebhookDeliveryStatus,
    responseStatus: d.responseStatus,
    responseBody: d.responseBody,
    error: d.error,
    durationMs: d.durationMs,
    createdAt: d.createdAt,
  };
}
