#!/usr/bin/env -S node --max-semi-space-size=64
// The server's Node.js flags (src/node-flags.ts); `env -S` splits them from the interpreter's name.
// First: tracing (when configured) must hook http, pg and graphql before anything loads them.
import { stopTracing } from './telemetry/register';
import 'reflect-metadata';
import cluster from 'node:cluster';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { createApp, createWorker } from './app';
import type { Runtime } from './runtime';
import { ClusterStartError, startCluster } from './serve-cluster';
import { DatabaseUnreachableError } from './db/wait-for-database';
import { SEED_SCALES, seedDatabase, type SeedScale } from './seed/seed';
import { printAppSchema } from './server/schema';
import { PluginValidationError } from './plugin-host';
import { deploymentSchema } from './server/deployment-schema';
import { loadPlugins } from './plugin-host/load-plugins';
import { rebuildCoPurchases } from './modules/recommendations';
import { recomputeTraits } from './modules/personalization';
import { writePluginSkeleton } from './scaffold/plugin-skeleton';

const USAGE = `Usage: zoco [serve|worker|migrate|seed|schema|traits|recommendations|plugin new] [options]
  serve [--seed-if-empty] [--workers N|auto]
                              start the API (default command); with ZOCO_BACKGROUND=off, without
                              the background work that \`zoco worker\` processes then do; with
                              --workers (ZOCO_WORKERS), N processes on one port and one for the
                              background work (node:cluster)
  worker                      run the outbox dispatcher, offer engine, plugin deliveries and
                              timers without HTTP (as many as you like, on one database)
  migrate                     run pending migrations and exit
  seed --scale small|bench|large|xl
                              fill an empty database with a deterministic demo marketplace
  schema [--out FILE]         print (or write) the GraphQL SDL
  traits --recompute [--at ISO-TIME|now]
                              rebuild every customer's traits from their stored events (by default
                              evaluated at each one's last update: equal to the incremental result)
  recommendations --rebuild   recompute "also bought" from every paid order
  plugin new NAME [--out DIR] write a working plugin package (default: ./NAME) with a passing test`;

const EXAMPLE_QUERY = `{ products(first: 5, sort: PRICE_ASC) { nodes { title priceRange { min { formatted } }
    bestListing { price { formatted } stock seller { name } } } } }`;

type Seedable = Pick<Runtime, 'db' | 'log' | 'config'>;

async function seedAndRemember(app: Seedable, scale: SeedScale): Promise<void> {
  const result = await seedDatabase(app.db, scale, { log: app.log, searchExactLimit: app.config.searchExactLimit });
  const demo = result.sellers[0]!;
  // Development aid: seller keys are stored hashed, so the demo key is kept here to print again.
  // With DATABASE_URL nothing else may have created the data folder yet.
  await mkdir(app.config.dataDir, { recursive: true });
  await writeFile(
    path.join(app.config.dataDir, 'demo.json'),
    JSON.stringify({ seller: demo.slug, sellerApiKey: demo.apiKey }, null, 2),
    { mode: 0o600 },
  );
}

async function seedIfEmpty(app: Seedable): Promise<void> {
  const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM product');
  if (count === 0) await seedAndRemember(app, 'small');
}

async function printBanner({ url, wsUrl }: { url: string; wsUrl: string }, dataDir: string): Promise<void> {
  let demoKey = '(run `zoco seed` to create demo sellers)';
  try {
    demoKey = JSON.parse(await readFile(path.join(dataDir, 'demo.json'), 'utf8')).sellerApiKey;
  } catch {
    // no demo data in this data folder
  }
  console.log(`
  Zoco is listening: ${url}   (WebSocket: ${wsUrl})
  Demo seller API key: ${demoKey}
  Operator key: in ${path.join(dataDir, 'secrets.json')} (or ZOCO_ADMIN_KEY)

  Try:
    curl -s ${url} -H 'content-type: application/json' \\
      -d '{"query":"${EXAMPLE_QUERY.replace(/\s+/g, ' ')}"}'
`);
}

/** Ends the process after `stop` on the first SIGINT or SIGTERM (Ctrl-C sends SIGINT to a cluster's children too: each drains itself). */
function stopOnSignal(log: Runtime['log'], stop: () => Promise<number>): void {
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    stop()
      .then(async (code) => {
        await stopTracing();
        return code;
      })
      .then(
        (code) => process.exit(code),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      scale: { type: 'string', default: 'small' },
      'seed-if-empty': { type: 'boolean', default: false },
      workers: { type: 'string' },
      out: { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      recompute: { type: 'boolean', default: false },
      at: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (command === 'plugin' && positionals[1] === 'new' && positionals[2] && !values.help) {
    const name = positionals[2];
    const dir = path.resolve(values.out ?? name);
    const { version } = JSON.parse(await readFile(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const files = await writePluginSkeleton(dir, name, version);
    console.log(`Wrote ${files.length} files to ${dir}:\n  ${files.join('\n  ')}\nNext: cd ${path.relative(process.cwd(), dir) || '.'} && npm install && npm test`);
    return;
  }
  if (values.help || !['serve', 'worker', 'migrate', 'seed', 'schema', 'traits', 'recommendations'].includes(command) || (command === 'recommendations' && !values.rebuild)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (command === 'schema') {
    const sdl = printAppSchema(deploymentSchema(loadConfig(process.env).pluginNames));
    if (values.out) await writeFile(values.out, sdl);
    else process.stdout.write(sdl);
    return;
  }
  // Until the app can drain, a signal ends the process at once, as by default, but through
  // process.exit: its 'exit' event stops the embedded PostgreSQL, which Ctrl-C no longer reaches.
  const exitAtOnce = (signal: NodeJS.Signals) => process.exit(128 + constants.signals[signal]);
  process.on('SIGINT', exitAtOnce);
  process.on('SIGTERM', exitAtOnce);
  const config = loadConfig(values.workers === undefined ? process.env : { ...process.env, ZOCO_WORKERS: values.workers });
  if (command === 'worker') {
    const worker = await createWorker({ ...config, plugins: loadPlugins(config.pluginNames) });
    worker.log.info({ pubsub: config.pubsub }, 'zoco worker running');
    process.off('SIGINT', exitAtOnce);
    process.off('SIGTERM', exitAtOnce);
    const stop = (signal: string) => {
      worker.log.info({ signal }, 'worker shutting down');
      worker.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          worker.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    return;
  }
  if (command === 'seed' && !SEED_SCALES.includes(values.scale as SeedScale)) {
    throw new ConfigError([`--scale: must be ${SEED_SCALES.join(', ')} (got "${values.scale}")`]);
  }
  const at = values.at === undefined ? undefined : values.at === 'now' ? new Date() : new Date(values.at);
  if (command === 'traits' && (!values.recompute || (at && Number.isNaN(at.getTime())))) {
    throw new ConfigError(['traits: use --recompute, with --at an ISO time (e.g. 2026-11-30T00:00:00Z) if given']);
  }
  if (command === 'serve' && config.workers > 1) {
    const plugins = loadPlugins(config.pluginNames);
    const served = await startCluster({ config, plugins, prepare: values['seed-if-empty'] ? seedIfEmpty : undefined });
    await printBanner(served, config.dataDir);
    served.log.info({ workers: config.workers, pubsub: config.pubsub, background: config.background }, 'zoco serve running on several processes');
    process.off('SIGINT', exitAtOnce);
    process.off('SIGTERM', exitAtOnce);
    stopOnSignal(served.log, () => served.stop());
    return;
  }
  const app = await createApp({
    ...config,
    plugins: loadPlugins(config.pluginNames),
    ...(command === 'serve' ? {} : { port: 0, host: '127.0.0.1' }),
  });
  if (command !== 'serve') {
    if (command === 'seed') await seedAndRemember(app.runtime, values.scale as SeedScale);
    if (command === 'traits') console.log(`recomputed the traits of ${await recomputeTraits(app.services, { at })} customers`);
    if (command === 'recommendations') {
      const started = performance.now();
      const { baskets, pairs } = await rebuildCoPurchases(app.dataSource);
      console.log(JSON.stringify({ rebuilt: 'also-bought', baskets, pairs, ms: Math.round(performance.now() - started) }));
    }
    await app.stop();
    await stopTracing();
    return;
  }
  if (values['seed-if-empty']) await seedIfEmpty(app.runtime);
  // A child of `serve --workers N`: the primary prints the banner once all listen.
  if (cluster.isWorker) app.log.info({ pid: process.pid, url: app.url }, 'http process listening');
  else await printBanner(app, app.config.dataDir);
  process.off('SIGINT', exitAtOnce);
  process.off('SIGTERM', exitAtOnce);
  stopOnSignal(app.log, async () => {
    await app.stop();
    return 0;
  });
}

main().catch((err: unknown) => {
  const oneLine = err instanceof ConfigError || err instanceof PluginValidationError || err instanceof DatabaseUnreachableError || err instanceof ClusterStartError;
  console.error(oneLine ? err.message : err);
  process.exit(1);
});
