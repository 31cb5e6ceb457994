import type { FindOptionsWhere, MigrationInterface, ObjectLiteral } from 'typeorm';
import type { z } from 'zod';
import type { DomainEvent, EventPayloads, EventType } from '../events/event-types';
import type { NodeType } from '../core/global-id';
import type { NodeFetcher } from '../core/module';
import type { Context } from '../core/context';
import { createPluginScope, PluginScopeError, type PluginScope } from './plugin-scope';
import type { PluginPermission } from './plugin-permissions';
import { forbidden } from '../core/errors';
import type { InstallationCache } from './installation-cache';
import type { PluginPrivacy } from './plugin-privacy';

/** The version of this plugin API; a plugin declares the range it works with in `compatibility`. */
export const PLUGIN_API_VERSION = '1.0.0';

export { pluginPermissions, type PluginPermission } from './plugin-permissions';

/** A handler of a domain event, called once per installing seller concerned by the event. */
export type PluginEventHandler<Config> = (event: DomainEvent, scope: PluginScope<Config>) => Promise<void>;

export interface PluginDefinition<Config extends object = Record<string, unknown>> {
  /** kebab-case, unique in the deployment; its tables are prefixed with it (`loyalty-points` → `loyalty_points_`). */
  name: string;
  /** The plugin's own semver version. */
  version: string;
  /** Semver range of PLUGIN_API_VERSION the plugin works with, e.g. "^1.0.0". */
  compatibility: string;
  description: string;
  /** Per-seller settings, validated on install and configure; its errors name the field. */
  config: z.ZodType<Config>;
  permissions: readonly PluginPermission[];
  /** TypeORM entities of the plugin's own tables (named with its prefix). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
  /** Migrations creating its tables; they run with the core migrations. */
  migrations?: (new () => MigrationInterface)[];
  /**
   * type-graphql resolver classes: new queries and mutations, and field resolvers on core types.
   * A field added to Product, Listing, Seller or Order resolves only where that object's seller
   * installed the plugin (null elsewhere), so such fields must be nullable.
   */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers?: Function[];
  /**
   * Refetchers for `node(id:)` of the plugin's own node types (added to NodeType in core/global-id.ts);
   * each returns null for rows of sellers that did not install the plugin.
   */
  nodes?: Partial<Record<NodeType, NodeFetcher>>;
  /**
   * Domain event handlers: each runs for the installing seller of the event, retried with backoff on failure.
   * '*' gets every event of those sellers that has no handler of its own, other plugins' events included.
   * Plugins' own events are named in full (`'co-creation.proposal.converted'`).
   */
  on?: { [T in EventType]?: PluginEventHandler<Config> } & { '*'?: PluginEventHandler<Config> } & { [pluginEvent: `${string}.${string}.${string}`]: PluginEventHandler<Config> | undefined };
  /**
   * The names of the plugin's own events (`scope.emit(name, …)`, recorded as `${plugin}.${name}`), e.g.
   * `['proposal.approved']`: what a seller's webhook endpoints may subscribe to by name.
   */
  emits?: readonly string[];
  /** Runs of a failing handler before the host gives up on an event, for this plugin (default: the host's). */
  retry?: { maxAttempts?: number };
  /**
   * GDPR: a plugin whose tables hold customer ids exports and erases that customer's rows, across every
   * seller, when the customer asks (`customerDataExport`, `customerErase`). Required in spirit for any
   * such plugin: the customer's rights don't depend on which sellers installed it.
   */
  privacy?: PluginPrivacy;
  /** Called when the app starts, after migrations. */
  onStart?(): Promise<void>;
  /** Called when the app stops. */
  onStop?(): Promise<void>;
}

export interface Plugin<Config extends object = Record<string, unknown>> extends PluginDefinition<Config> {
  /**
   * The plugin's scoped context for `sellerId` (a uuid) in a request: refuses (FORBIDDEN) when that
   * seller has not installed the plugin. Resolvers call it before touching any data.
   */
  scope(ctx: Context, sellerId: string): Promise<PluginScope<Config>>;
  /** The sellers among `sellerIds` that installed the plugin, with their config (batched per request). */
  installedBy(ctx: Context, sellerIds: readonly string[]): Promise<Map<string, Config>>;
  /**
   * A Map for what the plugin derives from a seller's rows that never change once written (e.g. a
   * converted proposal), kept in memory for as long as this process knows the installation unchanged:
   * reinstalling, reconfiguring or uninstalling (and purging) starts an empty one, on every instance.
   * Null when there is nothing to keep it with (not installed, or not known here yet): then just query.
   */
  memo<K, V>(ctx: Context, sellerId: string): Map<K, V> | null;
  /**
   * Rows of one of the plugin's own tables across sellers, keeping only those of sellers that installed
   * the plugin: for lookups by id before the seller is known, and for DataLoaders behind fields on core
   * types. Two queries whatever the number of sellers; a row's `sellerId` then gives its scope.
   */
  findAcrossSellers<E extends ObjectLiteral & { sellerId: string }>(ctx: Context, entity: new () => E, where: FindOptionsWhere<E>): Promise<E[]>;
}

export type AnyPlugin = Plugin<any>;

/** The table prefix of a plugin: its name in snake_case plus "_". */
export function tablePrefix(pluginName: string): string {
  return `${pluginName.replace(/-/g, '_')}_`;
}

export type { EventPayloads, EventType };

/** Declares a plugin: the typed object the host validates at boot and the scope helpers its resolvers use. */
export function definePlugin<Config extends object>(definition: PluginDefinition<Config>): Plugin<Config> {
  const plugin: Plugin<Config> = {
    ...definition,
    async installedBy(ctx, sellerIds) {
      const rows = await Promise.all(sellerIds.map((id) => ctx.installations.load(definition.name, id)));
      const installed = new Map<string, Config>();
      for (const row of rows) if (row) installed.set(row.sellerId, row.config as Config);
      return installed;
    },
    memo<K, V>(ctx: Context, sellerId: string) {
      return ctx.installations.memo(definition.name, sellerId) as Map<K, V> | null;
    },
    async findAcrossSellers(ctx, entity, where) {
      if (!definition.entities?.includes(entity)) throw new PluginScopeError(definition.name, `${entity.name} is not one of its entities`);
      const rows = await ctx.db.getRepository(entity).find({ where });
      const installed = await plugin.installedBy(ctx, [...new Set(rows.map((r) => r.sellerId))]);
      return rows.filter((r) => installed.has(r.sellerId));
    },
    async scope(ctx, sellerId) {
      const config = (await plugin.installedBy(ctx, [sellerId])).get(sellerId);
      if (!config) throw forbidden(`This seller has not installed the ${definition.name} plugin.`);
      return createPluginScope({ plugin: definition.name, permissions: definition.permissions, sellerId, config, app: ctx });
    },
  };
  return plugin;
}

declare module '../core/context' {
  interface AppServices {
    /** The plugins this deployment offers, by name. */
    plugins: ReadonlyMap<string, AnyPlugin>;
    /** Which sellers installed which plugin (shared by all requests; see installation-cache.ts). */
    installations: InstallationCache;
  }
}
