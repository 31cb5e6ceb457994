import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, dropDatabase, ensureDatabase } from '../src/db/databases';
import type { BaselineInfo, BaselineOptions } from './baseline-server';
import { startChild, type Child } from './child-process';
import { databaseCpuMicros } from './database-cpu';
import { goodGraphql, load, type LoadOptions } from './load';
import { CATALOG, PRODUCT, TRIVIAL, catalogQuery, graphqlBody } from './queries';
import { resultsTable, writeResults, type BenchResults, type Measured, loadAverage } from './report';
import type { TrivialInfo, TrivialOptions } from './trivial-server';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

const ROOT = path.resolve(__dirname, '../..');
const DATA_DIR = path.join(ROOT, 'bench/.data');
const PROFILE_DIR = path.join(DATA_DIR, 'profiles');
const EMBEDDED_PG_PORT = 54339;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    // JIT warm-up, 20 new pooled connections, graphql-jit compiling: the first seconds are not steady.
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    // graphql-js and type-graphql's resolver wrappers, to see what the fast paths buy.
    'no-fast-paths': { type: 'boolean', default: false },
    // Without the throttle (by default it runs with buckets the load never drains): what it costs per request.
    'no-throttle': { type: 'boolean', default: false },
    // V8 CPU profiles, or allocation samples, of each measured window, in bench/.data/profiles.
    'cpu-prof': { type: 'boolean', default: false },
    'heap-prof': { type: 'boolean', default: false },
    // Print, but leave RESULTS.md alone.
    'no-write': { type: 'boolean', default: false },
    // The database made on DATABASE_URL's server (dropped first): another name lets two runs share a server.
    database: { type: 'string', default: 'zoco_bench' },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const fastPaths = !args['no-fast-paths'];
const BENCH_DATABASE = args.database;
const throttle = args['no-throttle'] ? { throttle: { enabled: false } } : {};
const profile = args['cpu-prof'] ? { start: 'profileStart', stop: 'profileStop', ext: 'cpuprofile' } : args['heap-prof'] ? { start: 'heapStart', stop: 'heapStop', ext: 'heapprofile' } : null;

const output: string[] = [];
function say(line: string): void {
  output.push(line);
  console.log(line);
}

const CATALOG_OK = goodGraphql(/"nodes"\s*:\s*\[\{/);
const PRODUCT_OK = goodGraphql(/"product"\s*:\s*\{/);
const TRIVIAL_OK = goodGraphql(/"items"\s*:\s*\[\{/);

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));

/**
 * Warm-up, then the measured window on the same connections. CPU per operation is the server
 * process's CPU time (user + system, all threads, read over IPC) over the window divided by the
 * responses in it; likewise a local database's (its processes' CPU time from /proc).
 */
async function measure(
  name: string,
  server: Child<unknown>,
  scenario: Pick<LoadOptions, 'url' | 'body' | 'verify'>,
  pgDataDir: string | null = null,
): Promise<Measured> {
  let start: Promise<[NodeJS.CpuUsage, number | null]> | undefined;
  const r = await load({
    ...scenario,
    connections,
    seconds,
    warmupSeconds,
    onMeasureStart: () => {
      start = (async () => {
        if (profile) await server.call(profile.start);
        return [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
      })();
    },
  });
  const [cpu1, db1] = [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
  const [cpu0, db0] = await start!;
  let allocated = '';
  if (profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    const bytes = await server.call<number | undefined>(profile.stop, path.join(PROFILE_DIR, `${name.replace(/\W+/g, '-')}.${profile.ext}`));
    if (bytes) allocated = `, ${(bytes / r.requests / 1024).toFixed(0)} KB allocated/op`;
  }
  const cpuMicrosPerOp = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / r.requests;
  const dbCpuMicrosPerOp = db0 === null || db1 === null ? null : (db1 - db0) / r.requests;
  const dbCpu = dbCpuMicrosPerOp === null ? '' : `, ${dbCpuMicrosPerOp.toFixed(0)} µs database CPU/op`;
  say(
    `${name.padEnd(16)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
      `${cpuMicrosPerOp.toFixed(0)} µs server CPU/op${dbCpu}${allocated}  (${r.requests} responses measured; in all ${r.non2xx} non-2xx, ` +
      `${r.badBodies} with errors or no data, ${r.errors} socket errors)`,
  );
  return { ...r, cpuMicrosPerOp, dbCpuMicrosPerOp };
}

/** The run's own database: a fresh `zoco_bench` on DATABASE_URL's server, or a wiped embedded one. */
async function prepareDatabase(): Promise<{ options: ZocoServerOptions; label: string; pgDataDir: string | null }> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const server = process.env['DATABASE_URL'];
  if (server) {
    await dropDatabase(server, BENCH_DATABASE);
    await ensureDatabase(server, BENCH_DATABASE);
    const url = databaseUrl(server, BENCH_DATABASE);
    const shown = new URL(url);
    if (shown.password) shown.password = '***';
    return {
      options: { dataDir: DATA_DIR, databaseUrl: url, embeddedPgPort: EMBEDDED_PG_PORT, fastPaths, ...throttle },
      label: `DATABASE_URL's server, database ${BENCH_DATABASE} (${shown})`,
      pgDataDir: null,
    };
  }
  return {
    options: { dataDir: DATA_DIR, embeddedPgPort: EMBEDDED_PG_PORT, fastPaths, ...throttle },
    label: `embedded PostgreSQL (bench/.data/pg, port ${EMBEDDED_PG_PORT})`,
    pgDataDir: path.join(DATA_DIR, 'pg'),
  };
}

/** Same data from both servers, or the comparison would mean nothing. */
async function checkSame(name: string, zocoUrl: string, baselineUrl: string, body: string, verify: (text: string) => boolean): Promise<number> {
  const [a, b] = await Promise.all([post(zocoUrl, body), post(baselineUrl, body)]);
  if (a.status !== 200 || !verify(a.text)) throw new Error(`zoco ${name} failed: ${a.status} ${a.text.slice(0, 500)}`);
  // zoco's answer also reports its cost (extensions.cost); the data must be the same.
  if (JSON.stringify(JSON.parse(a.text).data) !== JSON.stringify(JSON.parse(b.text).data)) {
    throw new Error(`the baseline's ${name} differs from zoco's:\nzoco:     ${a.text.slice(0, 400)}\nbaseline: ${b.text.slice(0, 400)}`);
  }
  return a.text.length;
}

/** CATALOG, and PRODUCT for a spread of the slugs the load rotates over. */
async function checkSameAnswers(zocoUrl: string, baselineUrl: string, slugs: string[]): Promise<void> {
  const bytes = await checkSame('CATALOG', zocoUrl, baselineUrl, graphqlBody(CATALOG), CATALOG_OK);
  say(`CATALOG responses of zoco and the baseline are identical (${bytes} bytes).`);
  const step = Math.max(1, Math.floor(slugs.length / 50));
  let checked = 0;
  for (let i = 0; i < slugs.length; i += step, checked++) {
    await checkSame(`PRODUCT ${slugs[i]}`, zocoUrl, baselineUrl, graphqlBody(PRODUCT, { slug: slugs[i] }), PRODUCT_OK);
  }
  say(`PRODUCT responses of zoco and the baseline are identical for ${checked} of the ${slugs.length} slugs.`);
}

async function countStatements(zoco: Child<ZocoServerInfo>): Promise<BenchResults['statements']> {
  const counts: BenchResults['statements'] = [];
  for (const first of [10, 20, 50, 100]) {
    const before = await zoco.call<number>('statements');
    const res = await post(zoco.info.url, graphqlBody(catalogQuery(first)));
    if (res.status !== 200 || !CATALOG_OK(res.text)) throw new Error(`CATALOG first: ${first} failed: ${res.text.slice(0, 500)}`);
    counts.push({ first, statements: (await zoco.call<number>('statements')) - before });
  }
  say(`SQL statements per CATALOG request: ${counts.map((c) => `first ${c.first}: ${c.statements}`).join(', ')}`);
  return counts;
}

/** CPU per operation of a trivial query through our stack or a raw handler, each alone in a child. */
async function frameworkTax(stack: TrivialOptions['stack']): Promise<Measured> {
  const child = await startChild<TrivialInfo>('trivial-server.js', { stack, fastPaths } satisfies TrivialOptions);
  try {
    const check = await post(child.info.url, graphqlBody(TRIVIAL));
    if (check.status !== 200 || !TRIVIAL_OK(check.text)) throw new Error(`trivial ${stack} failed: ${check.text.slice(0, 300)}`);
    return await measure(`TRIVIAL ${stack}`, child, { url: child.info.url, body: graphqlBody(TRIVIAL), verify: TRIVIAL_OK });
  } finally {
    await child.stop();
  }
}

async function catalogAndProduct(database: Awaited<ReturnType<typeof prepareDatabase>>) {
  const zoco = await startChild<ZocoServerInfo>('zoco-server.js', database.options);
  try {
    const { seeded, pgVersion } = zoco.info;
    say(`database: ${database.label}, PostgreSQL ${pgVersion}`);
    say(`seeded 'bench': ${seeded.sellers} sellers, ${seeded.products} products, ${seeded.variants} variants, ${seeded.listings} listings in ${(seeded.ms / 1000).toFixed(1)} s`);
    const baseline = await startChild<BaselineInfo>('baseline-server.js', { databaseUrl: zoco.info.databaseUrl, currency: 'EUR' } satisfies BaselineOptions);
    try {
      const slugs = zoco.info.productSlugs;
      await checkSameAnswers(zoco.info.url, baseline.info.url, slugs);
      const statements = await countStatements(zoco);
      const catalog = {
        zoco: await measure('CATALOG zoco', zoco, { url: zoco.info.url, body: graphqlBody(CATALOG), verify: CATALOG_OK }, database.pgDataDir),
        baseline: await measure('CATALOG baseline', baseline, { url: baseline.info.url, body: graphqlBody(CATALOG), verify: CATALOG_OK }, database.pgDataDir),
      };
      // Each server rotates over every slug from the first.
      const productScenario = (url: string) => {
        let next = 0;
        return { url, body: () => graphqlBody(PRODUCT, { slug: slugs[next++ % slugs.length] }), verify: PRODUCT_OK };
      };
      const product = {
        zoco: await measure('PRODUCT zoco', zoco, productScenario(zoco.info.url), database.pgDataDir),
        baseline: await measure('PRODUCT baseline', baseline, productScenario(baseline.info.url), database.pgDataDir),
      };
      return { catalog, product, statements, pgVersion };
    } finally {
      // autocannon drops its sockets at the end; let the servers finish what they had in flight.
      await settle();
      await baseline.stop();
    }
  } finally {
    await zoco.stop();
  }
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
}


async function main(): Promise<void> {
  const started = new Date();
  const options = process.argv.slice(2).join(' ');
  const command = `npm run bench${options ? ` -- ${options}` : ''}${process.env['DATABASE_URL'] ? ' (DATABASE_URL set)' : ''}`;
  const machine = `${os.availableParallelism()} cores (nproc), ${cpuModel()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
  const loadLine = `autocannon, ${connections} connections, ${warmupSeconds} s warm-up then ${seconds} s measured per scenario, one scenario at a time`;
  say(
    `zoco benchmark, ${started.toISOString()}${fastPaths ? '' : ', WITHOUT the fast paths (graphql-js, type-graphql wrappers)'}` +
      `${args['no-throttle'] ? ', WITHOUT the throttle' : ''}`,
  );
  say(`machine: ${machine}`);
  say(`load: ${loadLine}; load average ${loadAverage()} at the start`);

  const database = await prepareDatabase();
  const { catalog, product, statements, pgVersion } = await catalogAndProduct(database);
  const tax = { zoco: await frameworkTax('zoco'), raw: await frameworkTax('raw') };
  say(`load average ${loadAverage()} at the end (other work on the machine shows here)`);

  const table = resultsTable({ catalog, product, statements, tax });
  console.log(`\n${table}\n`);
  if (args['no-write']) return;
  const section = [
    `## Run ${started.toISOString()}${fastPaths ? '' : ' (without the fast paths)'}`,
    '',
    `- command: \`${command}\``,
    `- machine: ${machine}`,
    `- database: ${database.label}, PostgreSQL ${pgVersion}`,
    `- load: ${loadLine}`,
    '',
    table,
    '',
    'Raw output:',
    '',
    '```',
    ...output,
    '```',
  ].join('\n');
  writeResults(path.join(ROOT, 'bench/RESULTS.md'), readFileSync(path.join(ROOT, 'bench/results-intro.md'), 'utf8'), section);
  console.log('wrote bench/RESULTS.md');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
