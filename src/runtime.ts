import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig, type Limits, type OfferSettings, type ThrottleConfig } from './config';
import { createDataSource } from './db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { waitForDatabase } from './db/wait-for-database';
import { createTokenIssuer } from './auth/tokens';
import type { ModuleDefinition } from './core/module';
import type { AppServices, PrivacyParticipant, TransactionListener } from './core/context';
import { lazyLoaders } from './core/loaders';
import { coreModules } from './modules/registry';
import { loadOrCreateSecrets } from './server/secrets';
import { createMetrics, type Metrics } from './server/metrics';
import type { AnyPlugin } from './plugin-host/define-plugin';
import { INSTALLATION_CHANNEL, InstallationCache, pluginAdjusters, pluginPrivacyHook, preparePlugins, validateLineOptions } from './plugin-host';
import { listenForNotifications, type NotificationListener } from './db/notification-listener';
import { createAppPubSub, type PubSubHandle } from './pubsub/pubsub';
import { createTopicRouter } from './pubsub/topic-router';
import { createTestPaymentProvider } from './modules/payments/test-provider';
import type { PaymentProvider } from './modules/payments/payment-provider';
import { createPdfRenderer } from './modules/invoices';
import { customerLocale } from './modules/customers';
import { logNotificationSender, type NotificationSender } from './core/notifications';
import { createEventDelivery, startBackground, type Background } from './background';

export interface RuntimeOptions extends Partial<Omit<AppConfig, 'throttle' | 'limits' | 'offers'>> {
  /** Merged over the defaults: tests and benchmarks raise the buckets or turn the throttle off. */
  throttle?: Partial<ThrottleConfig>;
  /** Limits to change; the others keep their defaults. */
  limits?: Partial<Limits>;
  /** Offer engine settings to change; the others keep their defaults. */
  offers?: Partial<OfferSettings>;
  /** A logger to use instead of a new pino logger at `logLevel`. */
  logger?: Logger;
  /** Modules added after the core ones (tests use this to observe events). */
  modules?: ModuleDefinition[];
  /** Payment providers; default: the built-in `test` provider. */
  paymentProviders?: PaymentProvider[];
  /** How often the event dispatcher polls the outbox, ms. */
  eventPollIntervalMs?: number;
  /** The plugins this deployment offers its sellers (validated at start). */
  plugins?: AnyPlugin[];
  /** First retry of a failed plugin event handler after this many ms (doubling). */
  pluginRetryBaseMs?: number;
  /** Delivers password-reset and verification messages; default: written to the log. */
  notificationSender?: NotificationSender;
  /** The clock of deadlines (offer expiry, idle carts) and of promotions' windows; default: the system's. */
  now?: () => Date;
}

/** What an API instance and a worker share: database, pubsub, services and, when on, the background work. */
export interface Runtime {
  config: AppConfig & { adminKey: string; jwtSecret: string };
  log: Logger;
  db: DataSource;
  databaseUrl: string;
  pubSub: PubSubHandle;
  services: AppServices;
  metrics: Metrics;
  /** The modules and plugin parts the schema is built from. */
  prepared: ReturnType<typeof preparePlugins>;
  plugins: AnyPlugin[];
  background: Background | null;
  /** The event hooks' own pool; null when this process runs no background. */
  backgroundDataSource: DataSource | null;
  stop(): Promise<void>;
}

function transactionListeners(modules: readonly ModuleDefinition[]): AppServices['listeners'] {
  const listeners: Record<string, TransactionListener[]> = {};
  for (const m of modules) {
    for (const [type, listener] of Object.entries(m.listeners ?? {}) as [string, TransactionListener][]) {
      listeners[type] = [...(listeners[type] ?? []), listener];
    }
  }
  return listeners;
}

/** Every privacy hook, modules' first (registry order) then plugins': the customers module calls them all. */
function privacyParticipants(modules: readonly ModuleDefinition[], plugins: readonly AnyPlugin[]): PrivacyParticipant[] {
  const parts: PrivacyParticipant[] = [];
  for (const m of modules) if (m.privacy) parts.push({ ...m.privacy, name: m.name, plugin: false });
  for (const p of plugins) {
    const hook = pluginPrivacyHook(p);
    if (hook) parts.push({ ...hook, name: p.name, plugin: true });
  }
  return parts;
}

/** The configuration of createApp and createWorker: defaults, then the options (reading the environment is main.ts's job). */
export function resolveConfig(overrides: Partial<Omit<AppConfig, 'throttle' | 'limits' | 'offers'>> & Pick<RuntimeOptions, 'throttle' | 'limits' | 'offers'>): AppConfig {
  const base = loadConfig({});
  return {
    ...base,
    // loadConfig's defaults are development's; these two differ in production (config.ts).
    ...(overrides.env === 'production' ? { corsOrigins: [], introspection: false, queryEditor: false } : {}),
    ...overrides,
    limits: { ...base.limits, ...overrides.limits },
    throttle: { ...base.throttle, ...overrides.throttle },
    offers: { ...base.offers, ...overrides.offers },
  };
}

/**
 * Connections of the event hooks' pool: the dispatcher delivers one round at a time and its hooks run one after
 * another; a few spare cover a hook that opens a second transaction.
 */
const BACKGROUND_POOL_SIZE = 4;

/** Starts everything but HTTP: createApp adds the server, `zoco worker` runs this alone. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const { logger, modules: extraModules = [], paymentProviders, notificationSender, eventPollIntervalMs, plugins = [], pluginRetryBaseMs, now, ...overrides } = options;
  const config0 = resolveConfig(overrides);
  const log = logger ?? pino({ level: config0.logLevel, base: undefined });
  const secrets = await loadOrCreateSecrets(config0.dataDir, { jwtSecret: config0.jwtSecret, adminKey: config0.adminKey });
  const config = { ...config0, ...secrets };

  const prepared = preparePlugins([...coreModules, ...extraModules], plugins);
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), { port: config.embeddedPgPort, log });
    databaseUrl = embedded.url;
  }
  const modules = prepared.modules;
  const entities = modules.flatMap((m) => m.entities);
  const db = createDataSource({ url: databaseUrl, entities, migrations: prepared.migrations, log });
  // The event hooks' own pool: under load they queued behind every request for the app pool's connections and
  // fell behind (issue 14: 3% of a checkout bench's events were handled during the run); with their own few
  // connections requests never wait for them, nor they for requests.
  const backgroundDb = config.background
    ? createDataSource({ url: databaseUrl, entities, log, poolSize: BACKGROUND_POOL_SIZE, applicationName: 'zoco-background' })
    : null;
  let pubSub: PubSubHandle;
  try {
    await waitForDatabase(databaseUrl, { timeoutMs: config.databaseWaitMs, log, source: embedded ? 'the embedded PostgreSQL' : 'DATABASE_URL' });
    await db.initialize();
    if (config.migrateOnStart) await db.runMigrations({ transaction: 'each' });
    await backgroundDb?.initialize();
    for (const plugin of plugins) await plugin.onStart?.();
    pubSub = await createAppPubSub({ kind: config.pubsub, db, databaseUrl, redisUrl: config.redisUrl, log });
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (backgroundDb?.isInitialized) await backgroundDb.destroy().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  // Plugins get every event of the sellers that installed them; bound once the background exists.
  let background: Background | null = null;
  const pluginDelivery = plugins.length ? { deliver: (event: Parameters<NonNullable<Background['pluginEvents']>['deliver']>[0]) => background!.pluginEvents!.deliver(event) } : null;
  let backgroundServices: AppServices | undefined;
  const app = () => {
    if (!backgroundServices) throw new Error('an event arrived before the services were ready; it will be retried');
    return backgroundServices;
  };
  const events = createEventDelivery({ databaseUrl, log, modules, pubSub: pubSub.pubSub, background: config.background, pollIntervalMs: eventPollIntervalMs, plugins: pluginDelivery, app });
  const metrics = createMetrics({ db, log });
  const installations = new InstallationCache(db);
  // A start that fails from here on closes what is already open (pools, pubsub, the dispatcher's timer and pool).
  const abandon = async (err: unknown): Promise<never> => {
    await events.stop().catch(() => undefined);
    await pubSub.close().catch(() => undefined);
    await backgroundDb?.destroy().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await embedded?.stop();
    throw err;
  };
  let installationListener: NotificationListener | undefined;
  if (plugins.length) {
    installationListener = await listenForNotifications({
      databaseUrl,
      channel: INSTALLATION_CHANNEL,
      log,
      onNotification: (key) => installations.invalidateKey(key),
      onLive: (live) => installations.setLive(live),
    }).catch(abandon);
  }
  const clock = now ?? (() => new Date());
  const services: AppServices = {
    db,
    config,
    log,
    telemetry: metrics.telemetry,
    tokens: createTokenIssuer(config.jwtSecret, config.accessTokenTtlSeconds),
    nodes: Object.assign({}, ...modules.map((m) => m.nodes ?? {})),
    events,
    listeners: transactionListeners(modules),
    privacy: privacyParticipants(modules, plugins),
    adjusters: [...modules.flatMap((m) => m.adjusters ?? []), ...pluginAdjusters(plugins)],
    lineOptions: validateLineOptions,
    createLoaders: lazyLoaders(modules.flatMap((m) => m.loaders ?? []), clock),
    topics: createTopicRouter(pubSub, log),
    now: clock,
    payments: new Map((paymentProviders ?? [createTestPaymentProvider({ databaseUrl, log })]).map((p) => [p.name, p])),
    plugins: new Map(plugins.map((p) => [p.name, p])),
    installations,
    pdfRenderer: createPdfRenderer(),
    notifications: notificationSender ?? logNotificationSender(log),
    profileLocale: customerLocale,
  };
  // What the event hooks act with: the same services on the background's pool. The sweeps and plugin deliveries
  // (up to 64 sellers' queues, each waiting on its endpoint) stay on the app pool, so a slow endpoint never holds
  // the hooks' few connections.
  backgroundServices = backgroundDb ? { ...services, db: backgroundDb } : services;
  if (config.background) {
    background = await startBackground({ services, databaseUrl, plugins, pollIntervalMs: eventPollIntervalMs, pluginRetryBaseMs, metrics }).catch(async (err: unknown) => {
      await installationListener?.stop().catch(() => undefined);
      return abandon(err);
    });
  }
  if (!notificationSender && config.env === 'production') {
    log.warn('no notificationSender: password-reset and verification messages, tokens included, go to the log');
  }
  let stopping: Promise<void> | undefined;
  return {
    config,
    log,
    db,
    databaseUrl,
    pubSub,
    services,
    metrics,
    prepared,
    plugins,
    background,
    backgroundDataSource: backgroundDb,
    stop() {
      stopping ??= (async () => {
        await events.stop();
        await background?.stop();
        await installationListener?.stop();
        await pubSub.close();
        for (const plugin of plugins) await plugin.onStop?.();
        await services.pdfRenderer.close();
        for (const provider of services.payments.values()) await provider.close?.();
        await backgroundDb?.destroy();
        await db.destroy();
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
