import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, dropDatabase, ensureDatabase } from '../src/db/databases';
import { startChild } from './child-process';
import { databaseCpuMicros, processTreeCpuMicros } from './database-cpu';
import { goodGraphql, load, type LoadResult, median } from './load';
import { CATALOG, PRODUCT, graphqlBody } from './queries';
import { writeMarkedSection, loadAverage } from './report';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';
import { SERVER_NODE_FLAGS } from '../src/node-flags';

/**
 * `zoco serve --workers N` (src/serve-cluster.ts) against one seeded `bench` database: the built CLI
 * at each N, all started at once and measured one at a time in alternating rounds (an idle one costs
 * nothing), on a DB-bound page (CATALOG), a lighter one (PRODUCT) and `{ __typename }` (GraphQL and
 * HTTP work only). Server CPU is the CLI's process tree (primary, HTTP children, background child);
 * database CPU the embedded PostgreSQL's. Medians of the rounds.
 */
const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const DATA_DIR = path.join(ROOT, 'bench/.data-scaling');
const PG_PORT = 54351;
const DATABASE = 'zoco_bench_scaling';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1,2,auto' },
    'no-write': { type: 'boolean', default: false },
  },
});
const connections = Number(args.connections);

/** Buckets the load never drains (all of it comes from one address): every request pays for its bucket, none is refused. */
const UNDRAINABLE = {
  ZOCO_THROTTLE_BUCKET: '1000000000000',
  ZOCO_THROTTLE_RESTORE_RATE: '1000000000000',
  ZOCO_THROTTLE_SELLER_BUCKET: '1000000000000',
  ZOCO_THROTTLE_SELLER_RESTORE_RATE: '1000000000000',
};


interface Served {
  label: string;
  workers: number;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** The built CLI, `serve --workers N`, on the seeded database; resolves once its banner says it listens. */
async function serve(workers: number, label: string, database: string): Promise<Served> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, MAIN, 'serve', '--workers', String(workers)], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database,
      ZOCO_DATA_DIR: path.join(DATA_DIR, 'cli'),
      HOST: '127.0.0.1',
      PORT: '0',
      ZOCO_PLUGINS: 'none',
      ZOCO_MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      // As bench/zoco-server.ts: the cost estimate is a worst case, and CATALOG pages go up to first: 100 there.
      ZOCO_MAX_COST: '50000',
      ...UNDRAINABLE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
    const url = /Zoco is listening: (\S+)/.exec(output)?.[1];
    if (url) return { label, workers, url, child, exited };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`zoco serve --workers ${workers} did not start:\n${output}`);
}

async function stopServed(s: Served): Promise<void> {
  if (s.child.exitCode !== null) return;
  const killer = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
  s.child.kill('SIGTERM');
  const code = await s.exited;
  clearTimeout(killer);
  if (code !== 0) console.warn(`zoco serve --workers ${s.workers} exited with ${code}`);
}

interface Scenario {
  name: string;
  body: string | (() => string);
  verify: (body: string) => boolean;
}

interface Round {
  result: LoadResult;
  /** µs per response. */
  serverCpu: number;
  databaseCpu: number | null;
  /** Cores kept busy over the window. */
  serverCores: number;
  databaseCores: number | null;
  loadAverage: string;
}

async function measure(s: Served, scenario: Scenario, pgDataDir: string | null): Promise<Round> {
  const root = String(s.child.pid);
  let start: [number | null, number | null] | undefined;
  const result = await load({
    url: s.url,
    connections,
    seconds: Number(args.seconds),
    warmupSeconds: Number(args.warmup),
    body: scenario.body,
    verify: scenario.verify,
    onMeasureStart: () => {
      start = [processTreeCpuMicros(root), databaseCpuMicros(pgDataDir)];
    },
  });
  const [server1, db1] = [processTreeCpuMicros(root), databaseCpuMicros(pgDataDir)];
  const [server0, db0] = start!;
  const serverMicros = (server1 ?? Number.NaN) - (server0 ?? Number.NaN);
  const dbMicros = db0 === null || db1 === null ? null : db1 - db0;
  const round: Round = {
    result,
    serverCpu: serverMicros / result.requests,
    databaseCpu: dbMicros === null ? null : dbMicros / result.requests,
    serverCores: serverMicros / 1e6 / result.seconds,
    databaseCores: dbMicros === null ? null : dbMicros / 1e6 / result.seconds,
    loadAverage: loadAverage(),
  };
  console.log(
    `${scenario.name.padEnd(16)} ${s.label.padEnd(12)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99.toFixed(1)} ms  ` +
      `server ${round.serverCpu.toFixed(0)} µs/op (${round.serverCores.toFixed(2)} cores)  ` +
      `database ${round.databaseCpu?.toFixed(0) ?? '?'} µs/op (${round.databaseCores?.toFixed(2) ?? '?'} cores)  ` +
      `bad ${result.non2xx + result.badBodies + result.errors}  load ${round.loadAverage}`,
  );
  return round;
}


/** The run's database: a fresh one on DATABASE_URL's server, or the embedded PostgreSQL in bench/.data-scaling/pg. */
async function prepareDatabase(): Promise<{ options: ZocoServerOptions; label: string; pgDataDir: string | null }> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const server = process.env['DATABASE_URL'];
  if (server) {
    await dropDatabase(server, DATABASE);
    await ensureDatabase(server, DATABASE);
    return { options: { dataDir: DATA_DIR, databaseUrl: databaseUrl(server, DATABASE), embeddedPgPort: PG_PORT }, label: `DATABASE_URL's server, database ${DATABASE}`, pgDataDir: null };
  }
  return { options: { dataDir: DATA_DIR, embeddedPgPort: PG_PORT }, label: `embedded PostgreSQL (bench/.data-scaling/pg, port ${PG_PORT})`, pgDataDir: path.join(DATA_DIR, 'pg') };
}

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadAverage();
  const auto = os.availableParallelism();
  const counts = new Map<number, string>();
  for (const w of args.workers.split(',')) {
    const n = w === 'auto' ? auto : Number(w);
    if (!counts.has(n) || w === 'auto') counts.set(n, w === 'auto' ? `${n} (auto)` : String(n));
  }
  const database = await prepareDatabase();
  // Seeds `bench` and holds the database for the whole run (its own app idles meanwhile).
  const seeder = await startChild<ZocoServerInfo>('zoco-server.js', { ...database.options, seed: true } satisfies ZocoServerOptions);
  const served: Served[] = [];
  try {
    const { seeded, productSlugs } = seeder.info;
    console.log(`seeded 'bench': ${seeded.products} products, ${seeded.listings} listings; load average ${loadAtStart}`);
    for (const [n, label] of counts) served.push(await serve(n, `workers ${label}`, seeder.info.databaseUrl));
    let next = 0;
    const scenarios: Scenario[] = [
      { name: 'CATALOG', body: graphqlBody(CATALOG), verify: goodGraphql(/"nodes"\s*:\s*\[\{/) },
      { name: 'PRODUCT', body: () => graphqlBody(PRODUCT, { slug: productSlugs[next++ % productSlugs.length] }), verify: goodGraphql(/"product"\s*:\s*\{/) },
      { name: '{ __typename }', body: graphqlBody('{ __typename }'), verify: goodGraphql(/"__typename"\s*:\s*"Query"/) },
    ];
    const rounds = new Map<string, Round[]>();
    for (let round = 1; round <= Number(args.rounds); round++) {
      for (const scenario of scenarios) {
        for (const s of served) {
          const key = `${scenario.name}|${s.label}`;
          rounds.set(key, [...(rounds.get(key) ?? []), await measure(s, scenario, database.pgDataDir)]);
          // autocannon drops its sockets at the end; let the server finish what it had in flight.
          await new Promise((resolve) => setTimeout(resolve, 2_000));
        }
      }
    }
    const loadAtEnd = loadAverage();

    const cell = (values: (number | null)[], digits: number, unit: string) => {
      const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
      return known.length ? `${median(known).toFixed(digits)}${unit}` : '?';
    };
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const single = median(rounds.get(`${scenario.name}|${served[0]!.label}`)!.map((r) => r.result.rps));
      for (const s of served) {
        const rs = rounds.get(`${scenario.name}|${s.label}`)!;
        const rps = median(rs.map((r) => r.result.rps));
        rows.push(
          `| ${[
            scenario.name === '{ __typename }' ? '`{ __typename }`' : scenario.name,
            s.label,
            `${rps.toFixed(0)} req/s (${rs.map((r) => r.result.rps.toFixed(0)).join(', ')})`,
            `${(rps / single).toFixed(2)}×`,
            cell(rs.map((r) => r.result.p99), 1, ' ms'),
            cell(rs.map((r) => r.serverCpu), 0, ' µs'),
            cell(rs.map((r) => r.databaseCpu), 0, ' µs'),
            `${cell(rs.map((r) => r.serverCores), 2, '')} + ${cell(rs.map((r) => r.databaseCores), 2, '')}`,
            String(rs.reduce((n, r) => n + r.result.non2xx + r.result.badBodies + r.result.errors, 0)),
            rs.map((r) => r.loadAverage.split(' ')[0]).join(', '),
          ].join(' | ')} |`,
        );
      }
    }
    // What the CPU per request allows, a steadier measure than throughput on a shared machine: one process
    // gets at most one core, and all of them share the machine's cores with the database (the load
    // generator, here on the same machine, left aside).
    const ceilings = scenarios.map((scenario) => {
      const one = rounds.get(`${scenario.name}|${served[0]!.label}`)!;
      const server = median(one.map((r) => r.serverCpu));
      const db = median(one.map((r) => r.databaseCpu ?? 0));
      const single = Math.min(1e6 / server, (auto * 1e6) / (server + db));
      const all = (auto * 1e6) / (server + db);
      return `${scenario.name === '{ __typename }' ? '`{ __typename }`' : scenario.name} (${server.toFixed(0)} µs server + ${db.toFixed(0)} µs database per request): one process ≤ ${single.toFixed(0)} req/s, every core ≤ ${all.toFixed(0)} req/s, so ${all / single >= 1.005 ? `at most ${((all / single - 1) * 100).toFixed(0)}% more` : 'nothing more'} from more processes`;
    });
    const section = [
      '<!-- scaling -->',
      '## Several cores: `zoco serve --workers N`',
      '',
      `Command: \`npm run bench:scaling${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (${connections} connections, ${args.warmup} s warm-up + ${args.seconds} s measured per round, ${args.rounds} alternating rounds; ${database.label}, the \`bench\` scale; the built CLI, throttle on with buckets the load never drains). ` +
        'Medians of the rounds (each round in brackets). Server CPU is the CLI\'s whole process tree (the cluster\'s primary, its HTTP children and its background child; the single process at 1), per response; "cores busy" is server + database CPU over the window. The load generator (autocannon) runs on the same machine.',
      `Machine: ${auto} cores (availableParallelism) × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${started.toISOString().slice(0, 16)}Z; load average ${loadAtStart} at the start, ${loadAtEnd} at the end.`,
      '',
      '| scenario | processes | throughput | vs the first | p99 | server CPU/op | database CPU/op | cores busy (server + database) | bad responses | 1-min load average per round |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows,
      '',
      `Ceilings from the CPU per request of one process (medians above, at ${served[0]!.label}), if several processes kept it: ${ceilings.join('; ')}.`,
      '<!-- /scaling -->',
    ].join('\n');
    console.log(`\n${section}\n`);
    if (!args['no-write']) {
      writeMarkedSection(path.join(ROOT, 'bench/RESULTS.md'), 'scaling', section);
      console.log('wrote the scaling section of bench/RESULTS.md');
    }
  } finally {
    for (const s of served) await stopServed(s);
    await seeder.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
