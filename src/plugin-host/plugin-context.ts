import type { FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { Context } from '../core/context';
import type { PluginScope } from './plugin-scope';

/** The installing seller a call acts for, when the host knows it. */
export interface PluginInstallationView<Config> {
  /** The seller's uuid. */
  sellerId: string;
  /** That seller's validated settings of the plugin. */
  config: Config;
}

/**
 * The plugin as the host runs it for one request: what `@Ctx() ctx: PluginContext` resolvers reach
 * through `ctx.plugin`. The host injects it on every call of the plugin's fields, so resolver modules
 * never import the plugin's definition (which imports them: an import circle).
 */
export interface PluginHandle<Config = Record<string, unknown>> {
  readonly name: string;
  /** The plugin as the deployment offers it (its definition, with whatever a plugin factory added: deployment settings). */
  readonly definition: { readonly name: string; readonly version: string };
  /**
   * The installing seller this call acts for: the seller of the object a field is on (Listing, Order …),
   * or the seller of a seller key calling the plugin's query or mutation. Null for customers and guests:
   * then the resolver names the seller and asks for `scope(sellerId)`.
   */
  readonly installation: PluginInstallationView<Config> | null;
  /** The plugin's scope for `sellerId` (a uuid): FORBIDDEN when that seller did not install the plugin. */
  scope(sellerId: string): Promise<PluginScope<Config>>;
  /** The sellers among `sellerIds` that installed the plugin, with their config (usually no query at all). */
  installedBy(sellerIds: readonly string[]): Promise<Map<string, Config>>;
  /** See Plugin.memo: a Map kept while the installation stays unchanged; null when there is none to keep it with. */
  memo<K, V>(sellerId: string): Map<K, V> | null;
  /** Rows of one of the plugin's own tables across its installing sellers (rows of others are left out). */
  findAcrossSellers<E extends ObjectLiteral & { sellerId: string }>(entity: new () => E, where: FindOptionsWhere<E>, order?: Partial<Record<keyof E, 'ASC' | 'DESC'>>): Promise<E[]>;
  /** A core object by its database uuid, as `node(id:)` shows it to this viewer (null when hidden), e.g. to return a `Product`. */
  node<T = object>(type: 'Product' | 'Listing' | 'Seller' | 'Order' | 'Customer' | 'Cart', uuid: string): Promise<T | null>;
  /** The plugins this deployment offers and the events each declares (recorded as `<plugin>.<event>`). */
  offered(): readonly { name: string; emits: readonly string[] }[];
}

/**
 * What a plugin's resolvers get as their context: who asks, the request's logger and loaders, and the
 * plugin. No DataSource, no token issuer: data goes through the plugin's scope.
 */
export interface PluginContext<Config = any> {
  readonly viewer: Viewer;
  readonly requestId: string;
  readonly log: Logger;
  /** The marketplace currency (ISO 4217). */
  readonly currency: string;
  /** The request's DataLoaders' holder: `perRequest(ctx, key, create)` keeps a plugin's own per request. */
  readonly loaders: object;
  readonly plugin: PluginHandle<Config>;
}

/** Names a plugin's context must not reach; reading one throws with a pointer to the door it should use. */
const HIDDEN = [
  'db',
  'tx',
  'tokens',
  // the app's config holds its secrets (the JWT secret, the operator key)
  'config',
  'events',
  'listeners',
  'createLoaders',
  'installations',
  'plugins',
  'nodes',
  'privacy',
  'payments',
  'pdfRenderer',
  'notifications',
] as const;

function hidden(plugin: string): PropertyDescriptorMap {
  return Object.fromEntries(
    HIDDEN.map((name) => [
      name,
      {
        get() {
          throw new Error(`plugin ${plugin}: ctx.${name} is not part of the plugin context; use ctx.plugin (scope, findAcrossSellers, node)`);
        },
      },
    ]),
  );
}

/** On a plugin's context: remakes it over another request context (fresh loaders per subscription event). */
const REDERIVE = Symbol('plugin context over another request context');
const RAW = Symbol('the request context under a plugin context');

/**
 * `make(ctx)` for a context that may be a plugin's: the new request context is made from the one under
 * it, and the plugin's context is made again over the result (server/fresh-loaders-per-event.ts).
 */
export function remakeContext(ctx: Context, make: (ctx: Context) => Context): Context {
  const derived = ctx as unknown as { [RAW]?: Context; [REDERIVE]?: (raw: Context) => Context };
  const raw = derived[RAW];
  return raw ? derived[REDERIVE]!(make(raw)) : make(ctx);
}

/** The per-request base context of each plugin, made once per request (keyed by its loaders). */
const bases = new WeakMap<object, Map<string, PluginContext>>();

export type HandleFactory = (ctx: Context) => Omit<PluginHandle, 'installation'>;

/**
 * The context a plugin's resolver gets: the request's, narrowed, with `ctx.plugin`. One per request and
 * plugin, plus a two-object view per call when the host knows the installing seller (no query).
 */
export function pluginContext(ctx: Context, name: string, makeHandle: HandleFactory, installation: PluginInstallationView<unknown> | null = null): PluginContext {
  let perPlugin = bases.get(ctx.loaders);
  if (!perPlugin) {
    perPlugin = new Map();
    bases.set(ctx.loaders, perPlugin);
  }
  let base = perPlugin.get(name);
  if (!base) {
    const handle = { ...makeHandle(ctx), installation: null };
    base = Object.create(ctx, {
      ...hidden(name),
      currency: { value: ctx.config.currency },
      plugin: { value: handle },
      [RAW]: { value: ctx },
      [REDERIVE]: { value: (raw: Context) => pluginContext(raw, name, makeHandle) },
    }) as PluginContext;
    perPlugin.set(name, base);
  }
  if (!installation) return base;
  return Object.create(base, {
    plugin: { value: Object.create(base.plugin, { installation: { value: installation } }) },
    [REDERIVE]: { value: (raw: Context) => pluginContext(raw, name, makeHandle, installation) },
  }) as PluginContext;
}
