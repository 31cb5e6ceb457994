import type { GraphQLSchema } from 'graphql';
import { loadConfig } from '../config';
import { coreModules } from '../modules/registry';
import { preparePlugins } from '../plugin-host';
import { loadPlugins } from '../plugin-host/load-plugins';
import { buildDeploymentSchema } from './schema';

/** The schema of a deployment offering `pluginNames` (default: ZOCO_PLUGINS's default), as schema/schema.graphql holds it. */
export function deploymentSchema(pluginNames: readonly string[] = loadConfig({}).pluginNames): GraphQLSchema {
  return buildDeploymentSchema(preparePlugins(coreModules, loadPlugins(pluginNames)));
}
