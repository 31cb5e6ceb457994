import type { EntityManager, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { Logger } from 'pino';
import type { AppServices, PrivacyHook } from '../core/context';
import { PluginScopeError } from './plugin-scope';

/** One of the plugin's own tables across every seller, for one customer's export or erasure. */
export interface PrivacyTable<E extends ObjectLiteral> {
  find(where: FindOptionsWhere<E>, order?: Partial<Record<keyof E, 'ASC' | 'DESC'>>): Promise<E[]>;
  update(where: FindOptionsWhere<E>, values: Partial<E>): Promise<number>;
  /** Adds `by` to a numeric column in one statement, e.g. a count that included the customer's rows. */
  increment(where: FindOptionsWhere<E>, column: keyof E & string, by: number): Promise<number>;
  delete(where: FindOptionsWhere<E>): Promise<number>;
}

/**
 * What a plugin's privacy hook gets: the customer and the plugin's own tables, across every seller
 * (installed, or uninstalled with the rows kept), bound to the erasure's transaction when it erases.
 * The plugin scope is per seller and so cannot serve a customer's request; core tables stay out of reach.
 */
export interface PrivacyScope {
  /** The customer's uuid. */
  customerId: string;
  log: Logger;
  table<E extends ObjectLiteral>(entity: new () => E): PrivacyTable<E>;
}

/** A plugin's part in the GDPR rights of customers over the rows it holds about them. */
export interface PluginPrivacy {
  /** What its tables hold about the customer, JSON-able: their export shows it under `plugins.<name>` (GDPR art. 15, 20). */
  export?(scope: PrivacyScope): Promise<unknown>;
  /** Deletes or pseudonymises the customer's rows, in the erasure's transaction: throwing rolls the erasure back (GDPR art. 17). */
  erase?(scope: PrivacyScope): Promise<void>;
}

interface PrivacyPlugin {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
  privacy?: PluginPrivacy;
}

/** One of the plugin's own tables across every seller (never a core table): privacy hooks and seller-less events. */
export function wideTable<E extends ObjectLiteral>(plugin: PrivacyPlugin, em: EntityManager, entity: new () => E): PrivacyTable<E> {
  if (!plugin.entities?.includes(entity)) throw new PluginScopeError(plugin.name, `${entity.name} is not one of its entities`);
  const repo = em.getRepository(entity);
  return {
    find: (where, order) => repo.find({ where, order: order as never }),
    update: async (where, values) => (await repo.update(where, values as never)).affected ?? 0,
    increment: async (where, column, by) => (await repo.increment(where, column, by)).affected ?? 0,
    delete: async (where) => (await repo.delete(where)).affected ?? 0,
  };
}

function privacyScope(plugin: PrivacyPlugin, app: AppServices, em: EntityManager, customerId: string): PrivacyScope {
  return {
    customerId,
    log: app.log.child({ plugin: plugin.name }),
    table: (entity) => wideTable(plugin, em, entity),
  };
}

/** The plugin's privacy hooks as the customers module calls them (null when it declares none). */
export function pluginPrivacyHook(plugin: PrivacyPlugin): PrivacyHook | null {
  const { privacy } = plugin;
  if (!privacy) return null;
  return {
    export: privacy.export && ((ctx, customerId) => privacy.export!(privacyScope(plugin, ctx, ctx.db.manager, customerId))),
    erase: privacy.erase && ((ctx, customerId) => privacy.erase!(privacyScope(plugin, ctx, ctx.tx, customerId))),
  };
}
