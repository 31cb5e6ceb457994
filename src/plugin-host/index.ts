import { getMetadataArgsStorage, type MigrationInterface } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import type { ModuleDefinition } from '../core/module';
import { buildAppSchema, buildModuleSchema, type SchemaOptions } from '../server/schema';
import type { AnyPlugin } from './define-plugin';
import { InstallationResolver } from './installation.resolver';
import { attributeFields, scopePluginFields } from './scope-fields';
import { validatePlugins } from './validate-plugins';

export { InstallationCache, INSTALLATION_CHANNEL } from './installation-cache';
export { createPluginEvents } from './plugin-events';
export { PluginValidationError } from './validate-plugins';

/** The host's own module: availablePlugins, Seller.plugins and the install mutations. */
const hostModule: ModuleDefinition = { name: 'plugin-host', entities: [], resolvers: [InstallationResolver] };

function pluginModule(plugin: AnyPlugin): ModuleDefinition {
  return { name: `plugin:${plugin.name}`, entities: plugin.entities ?? [], resolvers: plugin.resolvers ?? [], nodes: plugin.nodes };
}

export interface PreparedPlugins {
  modules: ModuleDefinition[];
  migrations: (new () => MigrationInterface)[];
  /** The schema with every plugin, its fields acting only for installing sellers. */
  schema(options?: SchemaOptions): GraphQLSchema;
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
    schema(options) {
      // The host contributes its scoping pass; server/schema-pipeline.ts runs it, after every other rewrite.
      const scope = (schema: GraphQLSchema) => {
        const withEach = new Map(plugins.map((p) => [p, buildModuleSchema([...base, pluginModule(p)])] as const));
        scopePluginFields(schema, attributeFields(buildModuleSchema(base), withEach));
      };
      return buildAppSchema(modules, { ...options, scopePluginFields: plugins.length ? scope : undefined });
    },
  };
}
