import type { FindOptionsWhere, MigrationInterface, ObjectLiteral } from 'typeorm';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { DomainEvent, EventPayloads, EventType } from '../events/event-types';
import type { Context } from '../core/context';
import type { AdjustableGroup, Adjustment, AdjustmentWarning } from '../core/adjustments';

/** What a plugin's `checkout.adjust` returns; `source` is set by the host (`plugin:<name>`). */
export interface PluginAdjustmentResult {
  adjustments: Omit<Adjustment, 'source'>[];
  warnings?: AdjustmentWarning[];
}
import { createPluginScope, PluginScopeError, type PluginScope } from './plugin-scope';
import type { PluginPermission } from './plugin-permissions';
import { forbidden } from '../core/errors';
import { grantedPermissions, type InstallationCache } from './installation-cache';
import type { PluginPrivacy, PrivacyTable } from './plugin-privacy';
import type { PluginContext, PluginHandle } from './plugin-context';
import { emittedEvents, type PluginEvents } from './plugin-emits';

export { emittedEvents, type PluginEvents };

/** The version of this plugin API; a plugin declares the range it works with in `compatibility`. */
export const PLUGIN_API_VERSION = '1.0.0';

export { pluginPermissions, type PluginPermission } from './plugin-permissions';

/** A handler of a domain event, called once per installing seller concerned by the event. */
export type PluginEventHandler<Config> = (event: DomainEvent, scope: PluginScope<Config>) => Promise<void>;

/** An event as a plugin's handler gets it: a core event (`DomainEvent<T>`) or a plugin's own (`<plugin>.<name>`). */
export interface PluginEvent<P = Record<string, unknown>> {
  /** Outbox row id: deduplicate on it (delivery is at least once). */
  id: number;
  type: string;
  payload: P;
  createdAt: Date;
}

/** Core events whose payload names no seller (`cart.updated`, `customer.erased`): they reach a plugin once, not per seller. */
export type SellerlessEventType = { [T in EventType]: EventPayloads[T] extends { sellerId: string } ? never : T }[EventType];

/**
 * Handlers by event name, each typed for its event. Events of a seller run per installing seller with
 * that seller's scope; seller-less core events run once per plugin that names them, with the plugin-wide
 * scope. A plugin's own or another plugin's event is named in full (`co-creation.proposal.approved`) and
 * gets `PluginEvent` (its payload as the emitting plugin's schema declares it, plus `sellerId`).
 */
export type PluginEventHandlers<Config> = {
  [T in EventType]?: T extends SellerlessEventType
    ? (event: DomainEvent<T>, scope: PluginWideScope) => Promise<void>
    : (event: DomainEvent<T>, scope: PluginScope<Config>) => Promise<void>;
} & {
  [pluginEvent: `${string}.${string}`]: Bivariant<PluginEvent<any>, PluginScope<Config>> | undefined;
  '*'?: PluginEventHandler<Config>;
};

/** A handler whose event parameter is checked both ways, so each named core event keeps its own type. */
type Bivariant<Event, Scope> = { handle(event: Event, scope: Scope): Promise<void> }['handle'];

/** What a handler of a seller-less event gets: the plugin's own tables across every seller, and a logger. */
export interface PluginWideScope {
  plugin: string;
  log: Logger;
  /** One of the plugin's own tables, every seller's rows. */
  table<E extends ObjectLiteral & { sellerId: string }>(entity: new () => E): PrivacyTable<E>;
}

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
   * The plugin's own `Node` types (type-graphql classes implementing `Node`) by GraphQL type name, each with
   * its refetcher for `node(id:)`: given the uuid inside the global ID (`toGlobalId('GiftWrapChoice', uuid)`),
   * it returns the object as the plugin's queries would show it to `ctx.viewer`, or null. An object with a
   * `sellerUuid` of a seller that did not install the plugin is hidden by the host.
   */
  nodes?: Record<string, (ctx: PluginContext<Config>, id: string) => Promise<object | null>>;
  /**
   * Domain event handlers: each runs for the installing seller of the event, retried with backoff on failure.
   * '*' gets every event of those sellers that has no handler of its own, other plugins' events included.
   * Plugins' own events are named in full (`'co-creation.proposal.converted'`).
   */
  on?: PluginEventHandlers<Config>;
  /**
   * The names of the plugin's own events (`scope.emit(name, …)`, recorded as `${plugin}.${name}`), e.g.
   * `['proposal.approved']`: what a seller's webhook endpoints may subscribe to by name.
   */
  emits?: PluginEvents;
  /**
   * Options this plugin takes on cart lines (`cartLinesAdd(input: { lines: [{ listingId, options: { "<plugin>": {…} } }] })`),
   * for listings of the sellers that installed it: a zod object (strict is best: unknown options are refused either way).
   * Validated on add and update, shown on `CartLine.options` and copied to `OrderLine.options`; `checkout.adjust` sees them.
   */
  lineOptions?: z.ZodType<Record<string, unknown>>;
  /**
   * Surcharges and discounts on the groups (one seller's part of a cart) of the sellers that installed
   * the plugin: at cart time (read-only, for the cart's totals) and again inside the checkout transaction
   * (`group.phase === 'checkout'`), where the scope's writes join the checkout and must be exact. They
   * appear on cart, order and invoice lines; VAT is taken on the adjusted amounts. Each line carries this
   * plugin's own options only (`line.options`). Run after the core modules' adjusters; a throwing adjuster
   * is rolled back to a savepoint and skipped (logged): it never breaks a checkout.
   */
  checkout?: {
    adjust(group: AdjustableGroup, scope: PluginScope<Config>): Promise<PluginAdjustmentResult>;
  };
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
  findAcrossSellers<E extends ObjectLiteral & { sellerId: string }>(
    ctx: Context,
    entity: new () => E,
    where: FindOptionsWhere<E>,
    order?: Partial<Record<keyof E, 'ASC' | 'DESC'>>,
  ): Promise<E[]>;
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
    async findAcrossSellers(ctx, entity, where, order) {
      if (!definition.entities?.includes(entity)) throw new PluginScopeError(definition.name, `${entity.name} is not one of its entities`);
      const rows = await ctx.db.getRepository(entity).find({ where, order: order as never });
      const installed = await plugin.installedBy(ctx, [...new Set(rows.map((r) => r.sellerId))]);
      return rows.filter((r) => installed.has(r.sellerId));
    },
    async scope(ctx, sellerId) {
      const row = await ctx.installations.load(definition.name, sellerId);
      if (!row) throw forbidden(`This seller has not installed the ${definition.name} plugin.`);
      const permissions = grantedPermissions(definition.permissions, row);
      return createPluginScope({ plugin: definition.name, permissions, sellerId, config: row.config as Config, app: ctx });
    },
  };
  return plugin;
}

/** `ctx.plugin` of one request (see plugin-context.ts), made from the plugin's host-side helpers. */
export function pluginHandle(plugin: AnyPlugin, ctx: Context): Omit<PluginHandle, 'installation'> {
  return {
    name: plugin.name,
    definition: plugin,
    scope: (sellerId) => plugin.scope(ctx, sellerId),
    installedBy: (sellerIds) => plugin.installedBy(ctx, sellerIds),
    memo: (sellerId) => plugin.memo(ctx, sellerId),
    findAcrossSellers: (entity, where, order) => plugin.findAcrossSellers(ctx, entity, where, order),
    node: async <T>(type: string, uuid: string) => {
      const fetcher = ctx.nodes[type as keyof typeof ctx.nodes];
      return ((await fetcher?.(ctx, uuid)) ?? null) as T | null;
    },
    offered: () => [...ctx.plugins.values()].map((p) => ({ name: p.name, emits: Object.keys(emittedEvents(p)) })),
  };
}

declare module '../core/context' {
  interface AppServices {
    /** The plugins this deployment offers, by name. */
    plugins: ReadonlyMap<string, AnyPlugin>;
    /** Which sellers installed which plugin (shared by all requests; see installation-cache.ts). */
    installations: InstallationCache;
  }
}
