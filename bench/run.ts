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
import { resultsTable, writeResults, type BenchResults, type Measured } from './report';
import type { TrivialInfo, TrivialOptions } from './trivial-server';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

const ROOT = path.resolve(__dirname, '../..');
const DATA_DIR = path.join(ROOT, 'bench/.data');
const EMBEDDED_PG_PORT = 54339;
const BENCH_DATABASE = 'zoco_bench';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    // Write V8 CPU profiles of the servers under test into bench/.data/profiles.
    'cpu-prof': { type: 'boolean', default: false },
    // Print the table but leave RESULTS.md alone (for quick experiments).
    'no-write': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const PROFILE_DIR = path.join(DATA_DIR, 'profiles');
/** The embedded PostgreSQL's data directory while it runs, for its CPU time; null with DATABASE_URL. */
let pgDataDir: string | null = null;

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

type Scenario = Pick<LoadOptions, 'url' | 'body' | 'verify'>;

/**
 * Warm-up, then the measured window on the same connections. CPU per operation is the server
 * process's CPU time (user + system, all threads, read over IPC) over the window divided by the
 * responses in it; likewise the embedded database's. With --cpu-prof, a V8 profile of the window.
 */
async function measure(name: string, server: Child<unknown>, scenario: Scenario): Promise<Measured> {
  let start: Promise<[NodeJS.CpuUsage, number | null]> | undefined;
  const r = await load({
    ...scenario,
    connections,
    seconds,
    warmupSeconds,
    onMeasureStart: () => {
      start = (async () => {
        if (args['cpu-prof']) await server.call('profileStart');
        return [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
      })();
    },
  });
  const [cpu1, db1] = [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
  const [cpu0, db0] = await start!;
  if (args['cpu-prof']) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    await server.call('profileStop', path.join(PROFILE_DIR, `${name.replace(/\W+/g, '-')}.cpuprofile`));
  }
  const cpuMicrosPerOp = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / r.requests;
  const dbCpuMicrosPerOp = db0 === null || db1 === null ? null : (db1 - db0) / r.requests;
  const dbCpu = dbCpuMicrosPerOp === null ? '' : `, ${dbCpuMicrosPerOp.toFixed(0)} µs database CPU/op`;
  say(
    `${name.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ${cpuMicrosPerOp.toFixed(0)} µs server CPU/op${dbCpu}  ` +
      `(${r.requests} responses measured; ${r.non2xx} non-2xx, ${r.badBodies} with errors/no data, ${r.errors} socket errors in all)`,
  );
  return { ...r, cpuMicrosPerOp, dbCpuMicrosPerOp };
}

/** The database for the run: a fresh `zoco_bench` on DATABASE_URL's server, or a wiped embedded one. */
async function prepareDatabase(): Promise<{ options: ZocoServerOptions; label: string }> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const server = process.env['DATABASE_URL'];
  if (server) {
    await dropDatabase(server, BENCH_DATABASE);
    await ensureDatabase(server, BENCH_DATABASE);
    const url = databaseUrl(server, BENCH_DATABASE);
    const shown = new URL(url);
    shown.password = shown.password ? '***' : '';
    return { options: { dataDir: DATA_DIR, databaseUrl: url, embeddedPgPort: EMBEDDED_PG_PORT }, label: `DATABASE_URL server (${shown})` };
  }
  return { options: { dataDir: DATA_DIR, embeddedPgPort: EMBEDDED_PG_PORT }, label: `embedded PostgreSQL (bench/.data/pg, port ${EMBEDDED_PG_PORT})` };
}

/** Same data from both servers, or the comparison would mean nothing. */
async function checkSameCatalog(zocoUrl: string, baselineUrl: string): Promise<void> {
  const [a, b] = await Promise.all([post(zocoUrl, graphqlBody(CATALOG)), post(baselineUrl, graphqlBody(CATALOG))]);
  if (a.status !== 200 || !CATALOG_OK(a.text)) throw new Error(`zoco CATALOG failed: ${a.status} ${a.text.slice(0, 500)}`);
  const same = JSON.stringify(JSON.parse(a.text)) === JSON.stringify(JSON.parse(b.text));
  if (!same) throw new Error(`the baseline's CATALOG differs from zoco's:\nzoco:     ${a.text.slice(0, 400)}\nbaseline: ${b.text.slice(0, 400)}`);
  say(`CATALOG responses of zoco and the baseline are identical (${a.text.length} and ${b.text.length} bytes).`);
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

/** CPU per operation of a trivial query through our stack or a raw handler. */
async function frameworkTax(stack: TrivialOptions['stack']): Promise<Measured> {
  const child = await startChild<TrivialInfo>('trivial-server.js', { stack } satisfies TrivialOptions);
  try {
    const check = await post(child.info.url, graphqlBody(TRIVIAL));
    if (check.status !== 200 || !TRIVIAL_OK(check.text)) throw new Error(`trivial ${stack} failed: ${check.text.slice(0, 300)}`);
    return await measure(`TRIVIAL ${stack}`, child, { url: child.info.url, body: graphqlBody(TRIVIAL), verify: TRIVIAL_OK });
  } finally {
    await child.stop();
  }
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
}

async function main(): Promise<void> {
  const started = new Date();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}${process.env['DATABASE_URL'] ? ' (with DATABASE_URL set)' : ''}`;
  const machine = `${os.availableParallelism()} cores (nproc), ${cpuModel()}, Node ${process.version}, ${os.type()} ${os.release()}`;
  say(`zoco benchmark, ${started.toISOString()}`);
  say(`machine: ${machine}`);
  say(`load: autocannon, ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s per scenario; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const database = await prepareDatabase();
  const zoco = await startChild<ZocoServerInfo>('zoco-server.js', database.options);
  let results: BenchResults;
  let pgVersion = '';
  try {
    const { seeded } = zoco.info;
    pgVersion = zoco.info.pgVersion;
    if (!database.options.databaseUrl) pgDataDir = path.join(DATA_DIR, 'pg');
    say(`database: ${database.label}, PostgreSQL ${pgVersion}`);
    say(`seeded 'bench': ${seeded.sellers} sellers, ${seeded.products} products, ${seeded.variants} variants, ${seeded.listings} listings in ${(seeded.ms / 1000).toFixed(1)} s`);
    const baseline = await startChild<BaselineInfo>('baseline-server.js', { databaseUrl: zoco.info.databaseUrl, currency: 'EUR', strategy: (process.env['BENCH_BASELINE'] ?? 'json') as 'json' } satisfies BaselineOptions);
    try {
      await checkSameCatalog(zoco.info.url, baseline.info.url);
      const statements = await countStatements(zoco);
      const catalogZoco = await measure('CATALOG zoco', zoco, { url: zoco.info.url, body: graphqlBody(CATALOG), verify: CATALOG_OK });
      const catalogBaseline = await measure('CATALOG baseline', baseline, { url: baseline.info.url, body: graphqlBody(CATALOG), verify: CATALOG_OK });
      const slugs = zoco.info.productSlugs;
      let next = 0;
      const productZoco = await measure('PRODUCT zoco', zoco, {
        url: zoco.info.url,
        body: () => graphqlBody(PRODUCT, { slug: slugs[next++ % slugs.length] }),
        verify: PRODUCT_OK,
      });
      results = { catalog: { zoco: catalogZoco, baseline: catalogBaseline }, product: productZoco, statements, tax: undefined! };
    } finally {
      // autocannon drops its sockets at the end; let the servers finish what they had in flight.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await baseline.stop();
    }
  } finally {
    await zoco.stop();
    pgDataDir = null;
  }
  results.tax = { zoco: await frameworkTax('zoco'), raw: await frameworkTax('raw') };
  say(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const table = resultsTable(results);
  console.log(`\n${table}\n`);
  if (args['no-write']) return;
  const section = [
    `## Run ${started.toISOString()}`,
    '',
    `- command: \`${command}\``,
    `- machine: ${machine}`,
    `- database: ${database.label}, PostgreSQL ${pgVersion}`,
    `- load: autocannon, ${connections} connections, ${warmupSeconds} s warm-up then ${seconds} s per scenario, one scenario at a time`,
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
