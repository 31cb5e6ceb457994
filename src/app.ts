import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig, type Limits, type ThrottleConfig } from './config';
import { createDataSource } from './db/data-source';
import { timestamptzParser } from './db/timestamptz';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { waitForDatabase } from './db/wait-for-database';
import { createAuthenticator } from './auth/authenticate';
import { createTokenIssuer } from './auth/tokens';
import type { ModuleDefinition } from './core/module';
import { createApollo } from './server/apollo';
import { buildDeploymentSchema } from './server/schema';
import type { AppServices, PrivacyParticipant, TransactionListener } from './core/context';
import { lazyLoaders } from './core/loaders';
import { createHttpHandler } from './server/http';
import { createClientAddress } from './server/client-address';
import { createThrottle } from './server/throttle';
import { createBucketStore, postgresBuckets, type BucketBackend } from './server/throttle-store';
import { redisBuckets } from './server/throttle-redis';
import { coreModules } from './modules/registry';
import { loadOrCreateSecrets } from './server/secrets';
import { attachWebSocket } from './server/ws';
import { createMetrics } from './server/metrics';
import { watchSocketAccess } from './server/socket-access';
import { loadTrustedDocuments } from './server/trusted-documents';
import { createDispatcher, type EventHandler } from './events/dispatcher';
import type { AnyPlugin } from './plugin-host/define-plugin';
import { createPluginEvents, INSTALLATION_CHANNEL, InstallationCache, pluginPrivacyHook, preparePlugins } from './plugin-host';
import { listenForNotifications, type NotificationListener } from './db/notification-listener';
import { createAppPubSub, toPublished, type PubSubHandle } from './pubsub/pubsub';
import { createTestPaymentProvider } from './modules/payments/test-provider';
import type { PaymentProvider } from './modules/payments/payment-provider';
import { createPdfRenderer } from './modules/invoices';
import { logNotificationSender, type NotificationSender } from './core/notifications';
import { startPaymentRecovery } from './modules/payments/payment-recovery';
import { startComplaintDeadlines } from './modules/complaints';
import { customerLocale } from './modules/customers';

// Money and counts are bigint columns; every amount we store is below 2^53, so numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, timestamptzParser(pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ)));

export interface CreateAppOptions extends Partial<Omit<AppConfig, 'throttle' | 'limits'>> {
  /** Merged over the defaults: tests and benchmarks raise the buckets or turn the throttle off. */
  throttle?: Partial<ThrottleConfig>;
  /** Limits to change; the others keep their defaults. */
  limits?: Partial<Limits>;
  /** A logger to use instead of a new pino logger at `logLevel`. */
  logger?: Logger;
  /** Modules added after the core ones (tests use this to observe events). */
  modules?: ModuleDefinition[];
  /** Payment providers; default: the built-in `test` provider. */
  paymentProviders?: PaymentProvider[];
  /** How often the event dispatcher polls the outbox, ms. */
  eventPollIntervalMs?: number;
  /** graphql-jit for hot queries and direct resolver calls (default); false: graphql-js and type-graphql's wrappers only, to compare. */
  fastPaths?: boolean;
  /** The plugins this deployment offers its sellers (validated at start). */
  plugins?: AnyPlugin[];
  /** First retry of a failed plugin event handler after this many ms (doubling). */
  pluginRetryBaseMs?: number;
  /** Delivers password-reset and verification messages; default: written to the log. */
  notificationSender?: NotificationSender;
  /** How often open WebSockets' credentials are re-checked (and expired access tokens' sockets closed), ms; default 30 s. */
  socketRecheckMs?: number;
  /** The time deadlines are measured by (AppServices.clock); default: the system clock. Tests move it. */
  clock?: () => Date;
}

export interface App {
  /** http://host:port/graphql */
  url: string;
  /** ws://host:port/graphql */
  wsUrl: string;
  dataSource: DataSource;
  /** What every request's ctx is made of: tests and workers build contexts from it (core/context.ts createContext). */
  services: AppServices;
  config: AppConfig & { adminKey: string; jwtSecret: string };
  log: Logger;
  /** Graceful stop: refuse new work, drain requests, close sockets and the database. */
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

function bucketBackend(config: AppConfig, databaseUrl: string, log: Logger): BucketBackend {
  if (config.throttle.store === 'postgres') return postgresBuckets(databaseUrl, log);
  if (!config.redisUrl) throw new Error('the throttle keeps its buckets in Redis: set ZOCO_REDIS_URL');
  return redisBuckets(config.redisUrl, config.throttle.redisKeyPrefix, log);
}

/** The composition root: database, schema, HTTP and WebSocket on one port. Nothing here is global. */
export async function createApp(options: CreateAppOptions = {}): Promise<App> {
  const { logger, modules: extraModules = [], paymentProviders, notificationSender, eventPollIntervalMs, fastPaths = true, plugins = [], pluginRetryBaseMs, socketRecheckMs, clock, ...overrides } =
    options;
  // Defaults only: reading the environment is main.ts's job, so tests and benchmarks are hermetic.
  const base = loadConfig({});
  const config0: AppConfig = {
    ...base,
    // loadConfig's defaults are development's; these two differ in production (config.ts).
    ...(overrides.env === 'production' ? { corsOrigins: [], introspection: false, queryEditor: false } : {}),
    ...overrides,
    limits: { ...base.limits, ...overrides.limits },
    throttle: { ...base.throttle, ...overrides.throttle },
  };
  const log = logger ?? pino({ level: config0.logLevel, base: undefined });
  const secrets = await loadOrCreateSecrets(config0.dataDir, { jwtSecret: config0.jwtSecret, adminKey: config0.adminKey });
  const config = { ...config0, ...secrets };
  const trusted = config.trustedDocuments ? await loadTrustedDocuments(config.trustedDocuments) : undefined;

  const prepared = preparePlugins([...coreModules, ...extraModules], plugins);
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), { port: config.embeddedPgPort, log });
    databaseUrl = embedded.url;
  }
  const modules = prepared.modules;
  const db = createDataSource({ url: databaseUrl, entities: modules.flatMap((m) => m.entities), migrations: prepared.migrations, log });
  let pubSub: PubSubHandle;
  try {
    await waitForDatabase(databaseUrl, { timeoutMs: config.databaseWaitMs, log, source: embedded ? 'the embedded PostgreSQL' : 'DATABASE_URL' });
    await db.initialize();
    if (config.migrateOnStart) await db.runMigrations({ transaction: 'each' });
    for (const plugin of plugins) await plugin.onStart?.();
    pubSub = await createAppPubSub({ kind: config.pubsub, db, databaseUrl, redisUrl: config.redisUrl, log });
  } catch (err) {
    await db.destroy().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  const schema = buildDeploymentSchema(prepared, { direct: fastPaths, pubSub: pubSub.pubSub });
  const tokens = createTokenIssuer(config.jwtSecret, config.accessTokenTtlSeconds);
  const handlers: Record<string, EventHandler[]> = {};
  const addHandler = (type: string, handler: EventHandler) => {
    handlers[type] = [...(handlers[type] ?? []), handler];
  };
  for (const m of modules) {
    for (const [type, handler] of Object.entries(m.hooks ?? {}) as [string, EventHandler][]) addHandler(type, handler);
  }
  // Every event also goes to subscriptions; a subscriber that misses one (a lost connection) refetches.
  addHandler('*', async (event) => pubSub.pubSub.publish(event.type, toPublished(event)));
  // Plugins get every event of the sellers that installed them; bound once the services exist.
  let pluginEvents: ReturnType<typeof createPluginEvents> | undefined;
  if (plugins.length) addHandler('*', (event) => pluginEvents!.deliver(event));
  const events = createDispatcher({ databaseUrl, log, handlers, pollIntervalMs: eventPollIntervalMs });
  const metrics = createMetrics({ db, log });
  const installations = new InstallationCache(db);
  let installationListener: NotificationListener | undefined;
  if (plugins.length) {
    installationListener = await listenForNotifications({
      databaseUrl,
      channel: INSTALLATION_CHANNEL,
      log,
      onNotification: (key) => installations.invalidateKey(key),
      onLive: (live) => installations.setLive(live),
    });
  }
  const socketAccess = await watchSocketAccess({ db, databaseUrl, log, recheckMs: socketRecheckMs });
  const services: AppServices = {
    db,
    config,
    log,
    tokens,
    nodes: Object.assign({}, ...modules.map((m) => m.nodes ?? {})),
    events,
    listeners: transactionListeners(modules),
    privacy: privacyParticipants(modules, plugins),
    createLoaders: lazyLoaders(modules.flatMap((m) => m.loaders ?? [])),
    payments: new Map((paymentProviders ?? [createTestPaymentProvider({ databaseUrl, log })]).map((p) => [p.name, p])),
    plugins: new Map(plugins.map((p) => [p.name, p])),
    installations,
    pdfRenderer: createPdfRenderer(),
    notifications: notificationSender ?? logNotificationSender(log),
    clock: clock ?? (() => new Date()),
    profileLocale: customerLocale,
  };
  if (plugins.length) {
    pluginEvents = createPluginEvents({ app: services, plugins, retryBaseMs: pluginRetryBaseMs, pollIntervalMs: eventPollIntervalMs, databaseUrl, onDelivery: metrics.pluginDelivery });
  }
  if (!notificationSender && config.env === 'production') {
    log.warn('no notificationSender: password-reset and verification messages, tokens included, go to the log');
  }
  // Captures what committed and voids what did not, after a crash between a payment's steps (issue 9).
  const paymentRecovery = startPaymentRecovery(services, { intervalMs: config.paymentRecoveryMs });
  // Escalates complaints whose seller missed the deadline, without any request (issue 11).
  const complaintDeadlines = config.complaintScheduler ? startComplaintDeadlines(services, { intervalMs: config.complaintSweepMs }) : null;
  const auth = createAuthenticator({ db, tokens, adminKey: config.adminKey });
  const store = config.throttle.enabled ? createBucketStore(bucketBackend(config, databaseUrl, log), { log }) : null;
  await store?.ready();
  const throttle = metrics.countRefusals(createThrottle(config.throttle, store, log));
  const clientAddress = createClientAddress(config.trustedProxies);
  const apollo = createApollo(schema, config, log, { jit: fastPaths, throttle, trusted, metrics });
  await apollo.start();

  let ready = false;
  const server = createServer(
    createHttpHandler({ apollo, app: services, auth, isReady: () => ready, clientAddress, corsOrigins: config.corsOrigins, metrics }),
  );
  server.keepAliveTimeout = 65_000;
  const ws = attachWebSocket(server, { schema, app: services, auth, config, throttle, clientAddress, socketAccess: socketAccess.sockets, trusted, metrics });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  ready = true;
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    dataSource: db,
    services,
    config,
    log,
    stop() {
      stopping ??= (async () => {
        ready = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await ws.close();
        await apollo.stop();
        // In-flight requests had their chance while Apollo drained; cut what is left.
        const timer = setTimeout(() => server.closeAllConnections(), 5_000);
        await closed;
        clearTimeout(timer);
        await paymentRecovery.stop();
        await complaintDeadlines?.stop();
        await events.stop();
        await pluginEvents?.stop();
        await installationListener?.stop();
        await socketAccess.stop();
        await throttle.stop();
        await pubSub.close();
        for (const plugin of plugins) await plugin.onStop?.();
        await services.pdfRenderer.close();
        for (const provider of services.payments.values()) await provider.close?.();
        await db.destroy();
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
