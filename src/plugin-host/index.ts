import { getMetadataArgsStorage, type MigrationInterface } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import type { ModuleDefinition } from '../core/module';
import type { AnyPlugin } from './define-plugin';
import { InstallationResolver } from './installation.resolver';
import { attributeFields, scopePluginFields } from './scope-fields';
import { validatePlugins } from './validate-plugins';

export { InstallationCache, INSTALLATION_CHANNEL } from './installation-cache';
export { createPluginEvents } from './plugin-events';
export { PluginValidationError } from './validate-plugins';
export { pluginPrivacyHook } from './plugin-privacy';

/** The host's own module: availablePlugins, Seller.plugins and the install mutations. */
const hostModule: ModuleDefinition = { name: 'plugin-host', entities: [], resolvers: [InstallationResolver] };

function pluginModule(plugin: AnyPlugin): ModuleDefinition {
  return { name: `plugin:${plugin.name}`, entities: plugin.entities ?? [], resolvers: plugin.resolvers ?? [], nodes: plugin.nodes };
}

export interface PreparedPlugins {
  modules: ModuleDefinition[];
  migrations: (new () => MigrationInterface)[];
  /**
   * The host's security pass over the served schema: a plugin's fields act only for the sellers that
   * installed it (none without plugins). `build` makes a schema of some modules, unrewritten, to tell
   * which fields each plugin adds; the transport's schema pipeline decides when the pass runs.
   */
  scopePluginFields(build: (modules: ModuleDefinition[]) => GraphQLSchema): ((schema: GraphQLSchema) => void) | undefined;
}

/** Validates the deployment's plugins (throws PluginValidationError) and lays out their modules. */
export function preparePlugins(core: ModuleDefinition[], plugins: readonly AnyPlugin[]): PreparedPlugins {
  const coreEntities = new Set(core.flatMap((m) => m.entities));
  const coreTables = getMetadataArgsStorage()
    .tables.filter((t) => coreEntities.has(t.target as never))
    .map((t) => t.name ?? '');
  validatePlugins(plugins, coreTables);
  const base = [...core, hostModule];
  const modules = [...base, ...plugins.map(pluginModule)];
  return {
    modules,
    migrations: plugins.flatMap((p) => p.migrations ?? []),
    scopePluginFields(build) {
      if (!plugins.length) return undefined;
      return (schema) => {
        const withEach = new Map(plugins.map((p) => [p, build([...base, pluginModule(p)])] as const));
        scopePluginFields(schema, attributeFields(build(base), withEach));
      };
    },
  };
}
