import { z } from 'zod';
import type { PluginContext } from 'zoco/plugin';

export const PLUGIN_NAME = 'loyalty-points';

const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a whole number from ${min} to ${max}.` })
    .int(`${field} must be a whole number from ${min} to ${max}.`)
    .min(min, `${field} can't be less than ${min}.`)
    .max(max, `${field} can't be more than ${max}.`);

/** A seller's settings, validated on pluginInstall / pluginConfigure. */
export const loyaltyConfig = z.strictObject(
  {
    pointsPerEuro: wholeNumber('pointsPerEuro', 0, 1000)
      .default(1)
      .describe('Points earned per whole major unit (1 EUR) of an order total, rounded down.'),
    pointsPerEuroCredit: wholeNumber('pointsPerEuroCredit', 1, 100_000)
      .default(100)
      .describe('Points a customer redeems for 1 EUR of store credit (default 100 points = 1 EUR).'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown setting: ${issue.keys.join(', ')}.` : undefined) },
);

export type LoyaltyConfig = z.infer<typeof loyaltyConfig>;

/** What this plugin's resolvers and services get: the request, narrowed, with `ctx.plugin` injected by the host. */
export type Context = PluginContext<LoyaltyConfig>;

/**
 * This plugin's per-seller helpers as the host injects them (`ctx.plugin`): resolvers never import
 * index.ts, which imports them (a cycle that would leave `resolvers` half-loaded).
 */
export function loyaltyPlugin(ctx: Context) {
  return {
    installedBy: (_ctx: Context, sellerIds: readonly string[]) => ctx.plugin.installedBy(sellerIds),
    scope: (_ctx: Context, sellerId: string) => ctx.plugin.scope(sellerId),
  };
}
