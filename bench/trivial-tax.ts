import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, dropDatabase, ensureDatabase } from '../src/db/databases';
import { startChild, type Child } from './child-process';
import { goodGraphql, load, type LoadResult, median } from './load';
import { TRIVIAL, graphqlBody } from './queries';
import { publishSection, loadAverage } from './report';
import type { TrivialInfo, TrivialOptions } from './trivial-server';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

/**
 * The framework tax of one trivial operation (issue "Speed": <= 70 µs of server CPU), in alternating
 * rounds: the trivial server (bench/trivial-server.ts: 20 in-memory objects x 5 scalars through our
 * HTTP handler, Apollo and the real per-request path) against a raw node:http handler and a bare graphql-jit
 * server (the issue's yardstick: "a graphql-jit server on this machine spends ~69 µs"), and the real
 * app (createApp, throttle on as in `npm run bench`) on `{ __typename }` (cost 0: no statement) and
 * `{ viewer { id } }` (a guest: no SQL of its own; the throttle's bucket statement is all the
 * database sees). Medians of the rounds' server CPU per operation.
 */
const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'no-fast-paths': { type: 'boolean', default: false },
    // The real app is skipped (no database needed).
    'trivial-only': { type: 'boolean', default: false },
    // V8 CPU profiles of each scenario's last round, in bench/.data-trivial/profiles.
    'cpu-prof': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    // With DATABASE_URL: the database the real app's run makes there (two runs can then share the server).
    database: { type: 'string', default: 'zoco_trivial_tax' },
  },
});
const DATA_DIR = path.join(ROOT, 'bench/.data-trivial');
const PROFILE_DIR = path.join(DATA_DIR, 'profiles');
const PG_PORT = 54344;
const DATABASE = args.database;
const fastPaths = !args['no-fast-paths'];

/** What the profiles showed and what was cut (measured while writing it; the table above is this run's). */
const FINDINGS = `Where a trivial operation's CPU goes (\`--cpu-prof\`, then bench/.data-trivial/profiles): about a fifth
is the kernel's (writev, epoll: the raw handler pays 6-8 µs of it too), an eighth garbage collection, a
fifth Apollo Server's request pipeline (sha256 of the query, the document store, the plugin hooks' promise
chains, Negotiator parsing Accept twice, the gateway's request context, a clone of the context), 5% the
JSON of the answer, and the rest our handler, context, cost check, throttle, metrics and graphql-jit.
Cut: createContext spread the app's ~20 services and then added the request's members, which makes V8
build a new hidden class per added member: ~10 µs in a micro-benchmark, 4% of the profile's self time
(now members first, services spread after, the request's set again: the same object, ~0.3 µs; proven equal
by test/core/context.test.ts: createContext's share of the profile fell to 0.7%); /graphql's URL parsed
once (~1 µs). Both together: 16-22 µs less server CPU per operation in back-to-back runs. Apollo then clones each context with Object.assign (~1 µs, and the clone of 28 members
is a dictionary-mode object): services on a prototype would make that cheaper, but every \`{ ...ctx }\`
(withTransaction, plugin scopes, plugins' own code) would then lose them. Not done: a lazy pino child (Apollo
clones every context with Object.assign, which would call the getter anyway). Since then (section
\`trivial-tax2\`): a POST of a query document Apollo already parsed and validated skips Apollo's pipeline
(src/server/known-documents.ts), answering itself only a clean success and handing every other outcome back
to Apollo, so that its error normalisation and formatting stay the only ones. On the real app, a non-free operation also pays the throttle's bucket
statement: \`{ viewer { id } }\` costs ~100-130 µs more server CPU than \`{ __typename }\` (pg's round trip).
A bound on concurrent executions was not evaluated: on a machine at load 15-28 its A/B would be noise.`;

interface Scenario {
  label: string;
  server: Child<{ url: string }>;
  query: string;
  verify: (body: string) => boolean;
  rounds: { result: LoadResult; serverCpu: number }[];
}

async function measure(s: Scenario, last: boolean): Promise<void> {
  const profile = last && args['cpu-prof'];
  let start: Promise<NodeJS.CpuUsage> | undefined;
  const result = await load({
    url: s.server.info.url,
    connections: Number(args.connections),
    seconds: Number(args.seconds),
    warmupSeconds: Number(args.warmup),
    body: graphqlBody(s.query),
    verify: s.verify,
    onMeasureStart: () => {
      start = (async () => {
        if (profile) await s.server.call('profileStart');
        return s.server.call<NodeJS.CpuUsage>('cpu');
      })();
    },
  });
  const cpu1 = await s.server.call<NodeJS.CpuUsage>('cpu');
  const cpu0 = await start!;
  if (profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    await s.server.call('profileStop', path.join(PROFILE_DIR, `${s.label.replace(/\W+/g, '-').replace(/^-|-$/g, '')}.cpuprofile`));
  }
  const serverCpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / result.requests;
  const systemCpu = (cpu1.system - cpu0.system) / result.requests;
  s.rounds.push({ result, serverCpu });
  const bad = result.non2xx + result.badBodies + result.errors;
  console.log(
    `${s.label.padEnd(36)} ${result.rps.toFixed(0).padStart(6)} req/s  ${serverCpu.toFixed(1)} µs server CPU/op ` +
      `(${systemCpu.toFixed(1)} of it in the kernel)  (${bad} bad; load ${loadAverage()})`,
  );
}


function row(s: Scenario): string {
  const bad = s.rounds.reduce((n, r) => n + r.result.non2xx + r.result.badBodies + r.result.errors, 0);
  return `| ${[
    s.label,
    `${median(s.rounds.map((r) => r.serverCpu)).toFixed(0)} µs (${s.rounds.map((r) => r.serverCpu.toFixed(0)).join(', ')})`,
    `${median(s.rounds.map((r) => r.result.rps)).toFixed(0)} req/s`,
    `${median(s.rounds.map((r) => r.result.p99)).toFixed(1)} ms`,
    `${bad}`,
  ].join(' | ')} |`;
}

/** The real app's database: a fresh one on DATABASE_URL's server, or an embedded PostgreSQL in DATA_DIR. */
async function appOptions(): Promise<ZocoServerOptions> {
  const base = { dataDir: DATA_DIR, embeddedPgPort: PG_PORT, fastPaths, seed: false };
  const server = process.env['DATABASE_URL'];
  if (!server) return base;
  await dropDatabase(server, DATABASE);
  await ensureDatabase(server, DATABASE);
  return { ...base, databaseUrl: databaseUrl(server, DATABASE) };
}

async function main(): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const started = new Date();
  const loadAtStart = loadAverage();
  const trivial = (stack: TrivialOptions['stack']) => startChild<TrivialInfo>('trivial-server.js', { stack, fastPaths } satisfies TrivialOptions);
  const zoco = await trivial('zoco');
  const raw = await trivial('raw');
  const jit = await trivial('jit');
  const app = args['trivial-only'] ? null : await startChild<ZocoServerInfo>('zoco-server.js', await appOptions());
  const itemsOk = goodGraphql(/"items"\s*:\s*\[\{/);
  const scenario = (label: string, server: Child<{ url: string }>, query: string, verify: (b: string) => boolean): Scenario => ({
    label,
    server,
    query,
    verify,
    rounds: [],
  });
  const scenarios = [
    scenario('trivial server, zoco', zoco, TRIVIAL, itemsOk),
    scenario('trivial server, raw node:http', raw, TRIVIAL, itemsOk),
    scenario('trivial server, bare graphql-jit on node:http', jit, TRIVIAL, itemsOk),
    ...(app
      ? [
          scenario('createApp, `{ __typename }`', app, '{ __typename }', goodGraphql(/"__typename"\s*:\s*"Query"/)),
          scenario('createApp, `{ viewer { id } }`', app, '{ viewer { id } }', goodGraphql(/"viewer"\s*:\s*null/)),
        ]
      : []),
  ];
  const rounds = Number(args.rounds);
  try {
    for (const s of scenarios) {
      const res = await fetch(s.server.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody(s.query) });
      const text = await res.text();
      if (!s.verify(text)) throw new Error(`${s.label}: ${text.slice(0, 300)}`);
    }
    for (let round = 1; round <= rounds; round++) for (const s of scenarios) await measure(s, round === rounds);
  } finally {
    // autocannon drops its sockets at the end; let the servers finish what they had in flight.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await Promise.all([zoco.stop(), raw.stop(), jit.stop(), app?.stop()]);
  }

  const section = [
    '<!-- trivial-tax -->',
    '## The framework tax of a trivial operation',
    '',
    `Command: \`npm run bench:trivial${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` ` +
      `(${args.connections} connections, ${args.warmup} s warm-up + ${args.seconds} s measured per round, ${rounds} alternating rounds` +
      `${fastPaths ? '' : ', WITHOUT the fast paths'}). Server CPU per operation: the server process's user + system time over the window / responses. ` +
      'Median of the rounds (each round in brackets).',
    `Machine: ${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${started.toISOString().slice(0, 16)}Z, ` +
      `load average ${loadAtStart} at the start, ${loadAverage()} at the end.`,
    '',
    '| | server CPU/op | throughput | p99 | bad responses |',
    '|---|---:|---:|---:|---:|',
    ...scenarios.map(row),
    '',
    FINDINGS,
    '<!-- /trivial-tax -->',
  ].join('\n');
  publishSection('trivial-tax', section, !args['no-write']);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
