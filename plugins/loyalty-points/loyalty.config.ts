import { z } from 'zod';
import type { Context, Plugin } from '../../src/plugin';

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

/**
 * This plugin as the host runs it. Resolvers look it up in the context instead of importing index.ts,
 * which imports them (a cycle that would leave `resolvers` half-loaded).
 */
export function loyaltyPlugin(ctx: Context): Plugin<LoyaltyConfig> {
  const plugin = ctx.plugins.get(PLUGIN_NAME);
  if (!plugin) throw new Error(`${PLUGIN_NAME} is not offered by this deployment`);
  return plugin as Plugin<LoyaltyConfig>;
}
