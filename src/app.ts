import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config';
import { timestamptzParser } from './db/timestamptz';
import { createAuthenticator } from './auth/authenticate';
import { createApollo } from './server/apollo';
import { buildDeploymentSchema } from './server/schema';
import type { AppServices } from './core/context';
import { createHttpHandler } from './server/http';
import { createClientAddress } from './server/client-address';
import { createThrottle } from './server/throttle';
import { createBucketStore, postgresBuckets, type BucketBackend } from './server/throttle-store';
import { redisBuckets } from './server/throttle-redis';
import { attachWebSocket } from './server/ws';
import { watchSocketAccess } from './server/socket-access';
import { loadTrustedDocuments } from './server/trusted-documents';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime';

// Money and counts are bigint columns; every amount we store is below 2^53, so numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, timestamptzParser(pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ)));

export interface CreateAppOptions extends RuntimeOptions {
  /** graphql-jit for hot queries and direct resolver calls (default); false: graphql-js and type-graphql's wrappers only, to compare. */
  fastPaths?: boolean;
  /** How often open WebSockets' credentials are re-checked (and expired access tokens' sockets closed), ms; default 30 s. */
  socketRecheckMs?: number;
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
  /** The database, services and background work under the HTTP server. */
  runtime: Runtime;
  /** Graceful stop: refuse new work, drain requests, close sockets and the database. */
  stop(): Promise<void>;
}

function bucketBackend(config: AppConfig, databaseUrl: string, log: Logger): BucketBackend {
  if (config.throttle.store === 'postgres') return postgresBuckets(databaseUrl, log);
  if (!config.redisUrl) throw new Error('the throttle keeps its buckets in Redis: set ZOCO_REDIS_URL');
  return redisBuckets(config.redisUrl, config.throttle.redisKeyPrefix, log);
}

/** Where clients reach the API listening on `host`:`port` (a wildcard host is reached as localhost). */
export function listeningUrls(host: string, port: number): { url: string; wsUrl: string } {
  const reached = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { url: `http://${reached}:${port}/graphql`, wsUrl: `ws://${reached}:${port}/graphql` };
}

/**
 * Connections the kernel queues before we accept them (capped by net.core.somaxconn). Node's default,
 * 511, overflowed when 2,000 WebSockets reconnected at once: dropped handshakes were retried by the
 * clients' TCP after 1, 3, 7… s, and the storm took 17 to 32 s with the server mostly idle (issue 16).
 */
const LISTEN_BACKLOG = 8_192;

/**
 * How long a stopping server lets requests in flight finish: under the 30 s an orchestrator (Kubernetes'
 * default terminationGracePeriodSeconds) waits before SIGKILL. It was 5 s, which cut a request of a
 * loaded machine's draining worker (test/deployment/serve-workers.test.ts).
 */
const SHUTDOWN_GRACE_MS = 25_000;

/** The composition root: the runtime (runtime.ts), then schema, HTTP and WebSocket on one port. Nothing here is global. */
export async function createApp(options: CreateAppOptions = {}): Promise<App> {
  const { fastPaths = true, socketRecheckMs, ...runtimeOptions } = options;
  const runtime = await createRuntime(runtimeOptions);
  const { config, log, db, databaseUrl, services, metrics } = runtime;
  try {
    const trusted = config.trustedDocuments ? await loadTrustedDocuments(config.trustedDocuments) : undefined;
    const schema = buildDeploymentSchema(runtime.prepared, { direct: fastPaths, pubSub: runtime.pubSub.pubSub });
    const socketAccess = await watchSocketAccess({ db, databaseUrl, log, recheckMs: socketRecheckMs });
    const auth = createAuthenticator({ db, tokens: services.tokens, adminKey: config.adminKey });
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
      server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    ready = true;
    const { port } = server.address() as AddressInfo;

    let stopping: Promise<void> | undefined;
    return {
      ...listeningUrls(config.host, port),
      dataSource: db,
      services,
      config,
      log,
      runtime,
      stop() {
        stopping ??= (async () => {
          ready = false;
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          await ws.close();
          // In-flight requests get SHUTDOWN_GRACE_MS to finish (server.close waits for them); then what is left is cut.
          const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          await closed;
          clearTimeout(timer);
          // After them: the known-documents path hands a request in flight to Apollo, which refuses all once stopped.
          await apollo.stop();
          await socketAccess.stop();
          await throttle.stop();
          await runtime.stop();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await runtime.stop();
    throw err;
  }
}

/** `zoco worker`: the runtime with its background work and no HTTP (issue 16). */
export async function createWorker(options: RuntimeOptions = {}): Promise<Runtime> {
  return createRuntime({ ...options, background: true });
}
