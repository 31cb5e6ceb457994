import { definePlugin } from 'zoco/plugin';
import { MAX_ATTEMPTS, PLUGIN_NAME, webhookConfig, type WebhooksPlugin } from './webhook.config';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entity';
import { deliverEvent } from './webhook-delivery';
import { systemResolver, type Resolver } from './webhook-request';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhook.resolver';
import { Webhooks1763932000000 } from './migrations/1763932000000-webhooks';

export type { WebhooksPlugin } from './webhook.config';
export type { Resolver } from './webhook-request';

/** Deployment settings of the plugin (the same for every seller). */
export interface WebhooksOptions {
  /**
   * Let webhooks reach private, loopback, carrier-grade NAT and unique local addresses (and plain http to
   * localhost): for development against a receiver on this machine, or an on-premises deployment. Off by
   * default; link-local (cloud metadata), reserved and IPv4-mapped addresses stay refused either way.
   */
  allowPrivateAddresses?: boolean;
  /** Name resolution of endpoint hosts (default: the system's, as dns.lookup). Its answers are what gets checked and connected to. */
  resolve?: Resolver;
}

/** The webhooks plugin with deployment settings; the default export reads them from the environment. */
export function webhooksPlugin({ allowPrivateAddresses = false, resolve = systemResolver }: WebhooksOptions = {}): WebhooksPlugin {
  const egress = { allowPrivateAddresses, resolve };
  const plugin = definePlugin({
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
    on: { '*': (event, scope) => deliverEvent(event, scope, egress) },
    // Each run of the handler is one attempt per owed endpoint: the host must not give up before a seller's maxAttempts.
    retry: { maxAttempts: MAX_ATTEMPTS },
  });
  return Object.assign(plugin, { egress });
}

/** `ZOCO_WEBHOOKS_ALLOW_PRIVATE=true` sets `allowPrivateAddresses` (see WebhooksOptions). */
function allowPrivateFromEnv(value = process.env['ZOCO_WEBHOOKS_ALLOW_PRIVATE']): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new Error(`ZOCO_WEBHOOKS_ALLOW_PRIVATE: must be true or false (got ${JSON.stringify(value)})`);
}

/** Signed HTTP callbacks of a seller's events to the seller's own systems (see README.md). */
export default webhooksPlugin({ allowPrivateAddresses: allowPrivateFromEnv() });
