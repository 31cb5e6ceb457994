import { definePlugin } from '../../src/plugin';
import { MAX_ATTEMPTS, PLUGIN_NAME, webhookConfig } from './webhook.config';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity';
import { deliverEvent } from './webhook-delivery';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhook.resolver';
import { Webhooks1763932000000 } from './migrations/1763932000000-webhooks';

/** Signed HTTP callbacks of a seller's events to the seller's own systems (see README.md). */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '1.0.0',
  compatibility: '^1.0.0',
  description:
    'Sends your events (orders, invoices, other plugins’ events) to your own HTTPS endpoints, signed with HMAC-SHA256, retried with backoff, with a delivery log.',
  config: webhookConfig,
  permissions: [],
  // Parents first: uninstall with purge deletes in reverse order.
  entities: [WebhookEndpointEntity, WebhookDeliveryEntity],
  migrations: [Webhooks1763932000000],
  resolvers: [WebhookEndpointResolver, WebhookDeliveryResolver],
  on: { '*': deliverEvent },
  // Each run of the handler is one attempt per owed endpoint: the host must not give up before a seller's maxAttempts.
  retry: { maxAttempts: MAX_ATTEMPTS },
});
