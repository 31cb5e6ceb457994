import type { Context, Plugin } from '../../src/plugin';
import type { CoCreationConfig } from './co-creation.config';

export const PLUGIN_NAME = 'co-creation';

/** This plugin as the deployment registered it: its per-seller scope and cross-seller reads. */
export function coCreation(ctx: Context): Plugin<CoCreationConfig> {
  const plugin = ctx.plugins.get(PLUGIN_NAME);
  if (!plugin) throw new Error(`the ${PLUGIN_NAME} plugin is not offered by this deployment`);
  return plugin as Plugin<CoCreationConfig>;
}
