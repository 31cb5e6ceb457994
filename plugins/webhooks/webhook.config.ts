import { z } from 'zod';
import { requireSeller, type Plugin, type PluginContext, type PluginScope } from 'zoco/plugin';
import type { WebhookEgress } from './webhook-request';

export const PLUGIN_NAME = 'webhooks';

/** The most attempts a seller may configure per endpoint and event. */
export const MAX_ATTEMPTS = 20;

/** A seller's settings, validated on pluginInstall / pluginConfigure. */
export const webhookConfig = z.strictObject(
  {
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(MAX_ATTEMPTS)
      .default(8)
      .describe('Attempts per endpoint and event before the delivery is marked failed (retries back off exponentially).'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(15_000)
      .default(5_000)
      .describe('How long an endpoint has to answer, ms; no answer in time is a failed attempt.'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown setting: ${issue.keys.join(', ')}.` : undefined) },
);

export type WebhookConfig = z.infer<typeof webhookConfig>;

/** The plugin with the deployment's egress settings (see index.ts `webhooksPlugin`). */
export type WebhooksPlugin = Plugin<WebhookConfig> & { egress: WebhookEgress };

/** What this plugin's resolvers and services get: the request, narrowed, with `ctx.plugin` injected by the host. */
export type Context = PluginContext<WebhookConfig>;

/** Where this deployment lets webhooks go. */
export function webhookEgress(ctx: Context): WebhookEgress {
  return (ctx.plugin.definition as unknown as WebhooksPlugin).egress;
}

/** The calling seller's scope of this plugin (FORBIDDEN unless it installed it). */
export function sellerScope(ctx: Context): Promise<PluginScope<WebhookConfig>> {
  // Endpoints and their delivery log alike: the log shows what the endpoints answered (issue 9).
  const sellerId = requireSeller(ctx.viewer, 'webhooks:write');
  return ctx.plugin.scope(sellerId);
}
