import type { PluginContext } from 'zoco/plugin';
import type { CoCreationConfig } from './co-creation.config';

export const PLUGIN_NAME = 'co-creation';

/**
 * What this plugin's resolvers and services get: the request, narrowed, with `ctx.plugin` (its scope
 * per seller and its cross-seller reads) injected by the host, so no module here imports index.ts.
 */
export type Context = PluginContext<CoCreationConfig>;
