import { getMetadataArgsStorage, type MigrationInterface } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import type { ModuleDefinition } from '../core/module';
import { pluginHandle, tablePrefix, type AnyPlugin } from './define-plugin';
import { guardedMigration } from './migration-guard';
import type { NodeFetcher } from '../core/context';
import { pluginContext } from './plugin-context';
import { InstallationResolver } from './installation.resolver';
import { attributeFields, scopePluginFields } from './scope-fields';
import { validatePlugins } from './validate-plugins';

export { InstallationCache, INSTALLATION_CHANNEL } from './installation-cache';
export { createPluginEvents } from './plugin-events';
export { PluginValidationError } from './validate-plugins';
export { pluginPrivacyHook } from './plugin-privacy';
export { pluginAdjusters } from './plugin-adjusters';
export { validateLineOptions } from './line-options';

/** The host's own module: availablePlugins, Seller.plugins and the install mutations. */
const hostModule: ModuleDefinition = { name: 'plugin-host', entities: [], resolvers: [InstallationResolver] };

/**
 * `node(id:)` for the plugin's own node types: its refetcher gets the plugin's context, and an object of
 * a seller that did not install the plugin (its `sellerUuid`) is hidden as its fields are.
 */
function pluginNodes(plugin: AnyPlugin): Record<string, NodeFetcher> {
  return Object.fromEntries(
    Object.entries(plugin.nodes ?? {}).map(([type, fetch]) => [
      type,
      async (ctx, id) => {
        const found = (await fetch(pluginContext(ctx, plugin.name, (c) => pluginHandle(plugin, c)), id)) as { sellerUuid?: unknown } | null;
        if (found && typeof found.sellerUuid === 'string' && !(await ctx.installations.load(plugin.name, found.sellerUuid))) return null;
        return found;
      },
    ]),
  );
}

function pluginModule(plugin: AnyPlugin): ModuleDefinition {
  return { name: `plugin:${plugin.name}`, entities: plugin.entities ?? [], resolvers: plugin.resolvers ?? [], nodes: pluginNodes(plugin) };
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
  validatePlugins(plugins, coreTables, core.flatMap((m) => Object.keys(m.nodes ?? {})));
  const base = [...core, hostModule];
  const modules = [...base, ...plugins.map(pluginModule)];
  return {
    modules,
    // Each under the host's check of what it touches (migration-guard.ts): a plugin that reaches outside its prefix stops the boot.
    migrations: plugins.flatMap((p) => (p.migrations ?? []).map((m) => guardedMigration(p.name, tablePrefix(p.name), m))),
    scopePluginFields(build) {
      if (!plugins.length) return undefined;
      return (schema) => {
        const withEach = new Map(plugins.map((p) => [p, build([...base, pluginModule(p)])] as const));
        scopePluginFields(schema, attributeFields(build(base), withEach));
      };
    },
  };
}
