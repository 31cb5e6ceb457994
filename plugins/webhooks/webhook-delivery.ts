import type { DomainEvent, PluginScope } from 'zoco/plugin';
import type { WebhookConfig } from './webhook.config';
import { WebhookDeliveryEntity, WebhookEndpointEntity, type DeliveryStatus } from './webhook.entity';
import { subscribes, webhookBody } from './webhook-events';
import { postWebhook, type WebhookEgress } from './webhook-request';
import { signatureHeader } from './webhook-signature';

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
export function signingSecrets(endpoint: WebhookEndpointEntity, now = new Date()): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = endpoint;
  return previousSecret && previousSecretExpiresAt && previousSecretExpiresAt > now ? [secret, previousSecret] : [secret];
}

interface Due {
  endpoint: WebhookEndpointEntity;
  attempt: number;
}

/**
 * The endpoints still owed this event: active, subscribed, created before it, and neither delivered
 * nor given up (the delivery log makes a rerun of the same event idempotent).
 */
async function dueEndpoints(event: DomainEvent, scope: PluginScope<WebhookConfig>): Promise<Due[]> {
  const createdAt = new Date(event.createdAt);
  const endpoints = (await scope.table(WebhookEndpointEntity).find({ active: true })).filter(
    (e) => subscribes(e.events, event.type) && e.createdAt <= createdAt,
  );
  if (!endpoints.length) return [];
  const log = await scope.table(WebhookDeliveryEntity).find({ eventId: event.id });
  return endpoints.flatMap((endpoint) => {
    const tried = log.filter((d) => d.endpointId === endpoint.id);
    const attempts = Math.max(0, ...tried.map((d) => d.attempt));
    const settled = tried.some((d) => d.status !== 'retrying') || attempts >= scope.config.maxAttempts;
    return settled ? [] : [{ endpoint, attempt: attempts + 1 }];
  });
}

async function attempt(scope: PluginScope<WebhookConfig>, egress: WebhookEgress, event: DomainEvent, body: string, { endpoint, attempt }: Due) {
  const timestamp = Math.floor(Date.now() / 1000);
  // Standard Webhooks (standardwebhooks.com): the id is the event's, the same on every attempt, so receivers deduplicate on it.
  const id = String(event.id);
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(signingSecrets(endpoint), id, timestamp, body),
    'Zoco-Event-Type': event.type,
  };
  const res = await postWebhook(endpoint.url, body, headers, { timeoutMs: scope.config.timeoutMs, egress });
  const status: DeliveryStatus = res.ok ? 'succeeded' : attempt >= scope.config.maxAttempts ? 'failed' : 'retrying';
  await scope.table(WebhookDeliveryEntity).insert({
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
    url: endpoint.url,
    attempt,
    status,
    responseStatus: res.status,
    responseBody: res.body,
    error: res.error,
    durationMs: res.durationMs,
  });
  return { endpoint, attempt, status, error: res.error };
}

/**
 * The '*' handler (with the deployment's `egress`): POSTs the event to each endpoint of the seller that is owed it, in parallel, and
 * logs every attempt. Throws while any endpoint failed and has attempts left, so the host retries
 * the event with backoff; an endpoint that used its last attempt is marked failed and not thrown for.
 */
export async function deliverEvent(event: DomainEvent, scope: PluginScope<WebhookConfig>, egress: WebhookEgress): Promise<void> {
  const due = await dueEndpoints(event, scope);
  if (!due.length) return;
  const body = webhookBody(event);
  const outcomes = await Promise.all(due.map((d) => attempt(scope, egress, event, body, d)));
  const retrying = outcomes.filter((o) => o.status === 'retrying');
  if (retrying.length) {
    const max = scope.config.maxAttempts;
    throw new Error(retrying.map((o) => `webhook ${o.endpoint.url}: ${o.error} (attempt ${o.attempt} of ${max})`).join('; '));
  }
}
