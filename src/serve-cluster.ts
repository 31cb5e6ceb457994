import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { constants } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { listeningUrls } from './app';
import type { AppConfig } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import type { AnyPlugin } from './plugin-host/define-plugin';
import { createRuntime, type Runtime } from './runtime';
import { serveClusterMetrics } from './telemetry/cluster-metrics';

/**
 * `zoco serve --workers N`: N HTTP processes on one port through node:cluster (its primary accepts the
 * connections, WebSocket upgrades included, and hands them round-robin to the children), plus one
 * `zoco worker` process for the background work, as the documented multi-instance deployment runs it.
 *
 * The background work gets a process of its own rather than running in the primary or in one HTTP
 * child: the primary accepts every connection, so nothing slow may run on its event loop; and one
 * child doing both would answer requests more slowly than its siblings, which the round-robin does
 * not know. Several copies would be safe (work is claimed with SKIP LOCKED) but each would poll and
 * run the same timers for nothing. With ZOCO_BACKGROUND=off (separate `zoco worker`s), there is none.
 */

/** A child that had run this long before it died was healthy: its replacement starts after the first delay again. */
const STABLE_MS = 60_000;
const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 30_000;

type Role = 'http' | 'background';

interface Child {
  role: Role;
  worker: Worker;
  startedAt: number;
  /** Deaths in a row, each within STABLE_MS of its start: the next restart waits FIRST_RESTART_MS × 2^failures. */
  failures: number;
}

export class ClusterStartError extends Error {
  override name = 'ClusterStartError';
}

export interface ClusterOptions {
  config: AppConfig;
  plugins: AnyPlugin[];
  /** Runs once, before any child starts, on a runtime whose database is migrated (`--seed-if-empty`). */
  prepare?(runtime: Runtime): Promise<void>;
}

export interface ServeCluster {
  url: string;
  wsUrl: string;
  log: Logger;
  /** Each child drains as a single `zoco serve` does on SIGTERM; then the embedded database stops. Resolves with the exit code. */
  stop(): Promise<number>;
}

export async function startCluster({ config, plugins, prepare }: ClusterOptions): Promise<ServeCluster> {
  const log = pino({ level: config.logLevel, base: undefined });
  // The children connect to the primary's embedded database, which must outlive them all.
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), { port: config.embeddedPgPort, log });
    databaseUrl = embedded.url;
  }
  try {
    // Migrations, generated secrets and seeding once, before the children: N of them at once would race.
    const runtime = await createRuntime({ ...config, databaseUrl, plugins, background: false, logger: log });
    try {
      await prepare?.(runtime);
    } finally {
      await runtime.stop();
    }
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  const shared = { DATABASE_URL: databaseUrl, ZOCO_MIGRATE_ON_START: 'false', ZOCO_WORKERS: '1', ZOCO_PUBSUB: config.pubsub };
  const children = new Map<Worker, Child>();
  const fork = (role: Role, failures = 0) => {
    cluster.setupPrimary({ args: [role === 'http' ? 'serve' : 'worker'] });
    const worker = cluster.fork(role === 'http' ? { ...shared, ZOCO_BACKGROUND: 'off' } : shared);
    children.set(worker, { role, worker, startedAt: Date.now(), failures });
  };
  const killAll = async () => {
    const live = [...children.keys()].filter((worker) => !worker.isDead());
    const exits = live.map((worker) => new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code))));
    for (const worker of live) worker.process.kill('SIGTERM');
    return Promise.all(exits);
  };

  serveClusterMetrics();
  for (let i = 0; i < config.workers; i++) fork('http');
  if (config.background) fork('background');
  let address: AddressInfo;
  try {
    address = await new Promise<AddressInfo>((resolve, reject) => {
      let listening = 0;
      const onListening = (_worker: Worker, at: AddressInfo) => {
        if (++listening < config.workers) return;
        cluster.off('exit', onExit);
        cluster.off('listening', onListening);
        resolve(at);
      };
      const onExit = (worker: Worker, code: number | null, signal: string | null) => {
        cluster.off('exit', onExit);
        cluster.off('listening', onListening);
        const role = children.get(worker)?.role;
        children.delete(worker);
        reject(new ClusterStartError(`a ${role} process exited (${code ?? signal}) before the API listened; its output is above`));
      };
      cluster.on('listening', onListening);
      cluster.on('exit', onExit);
    });
  } catch (err) {
    await killAll();
    await embedded?.stop();
    throw err;
  }

  let stopping: Promise<number> | undefined;
  const restarts = new Set<NodeJS.Timeout>();
  cluster.on('exit', (worker, code, signal) => {
    const child = children.get(worker);
    children.delete(worker);
    if (!child || stopping) return;
    const failures = Date.now() - child.startedAt >= STABLE_MS ? 0 : child.failures + 1;
    const delayMs = Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** Math.max(0, failures - 1));
    log.error({ role: child.role, pid: worker.process.pid, code, signal, restartInMs: delayMs }, `${child.role} process died; starting another`);
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork(child.role, failures);
    }, delayMs);
    restarts.add(timer);
  });

  return {
    ...listeningUrls(config.host, address.port),
    log,
    stop() {
      stopping ??= (async () => {
        for (const timer of restarts) clearTimeout(timer);
        const codes = await killAll();
        await embedded?.stop();
        // 0: drained. 128 + the signal: was still starting (main.ts exitAtOnce; Ctrl-C reaches the children too), so had nothing in flight.
        const clean = [0, 128 + constants.signals.SIGTERM, 128 + constants.signals.SIGINT];
        return codes.every((code) => code !== null && clean.includes(code)) ? 0 : 1;
      })();
      return stopping;
    },
  };
}
