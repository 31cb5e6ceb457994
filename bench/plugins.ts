import { mkdirSync, rmSync } from 'node:fs';
import { publishSection } from './report';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChild, type Child } from './child-process';
import { databaseCpuMicros } from './database-cpu';
import { goodGraphql, load, type LoadResult, median } from './load';
import { CATALOG, graphqlBody } from './queries';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

/**
 * Issue 4: the CATALOG page with co-creation and loyalty-points installed by half the sellers and a
 * field of each selected, against the same page on the same data without plugins. Two servers share
 * one database, one without plugins and one offering them, and are measured in alternating rounds
 * (one at a time, so they never compete for the CPU); the table shows each scenario's median round.
 * Single runs on this machine vary by ±10%, as much as the difference the target allows.
 */
const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
    // V8 CPU profiles of each scenario's last measured window, in bench/.data-plugins-profiles.
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const PROFILE_DIR = path.join(ROOT, 'bench/.data-plugins-profiles');
const DATA_DIR = path.join(ROOT, 'bench/.data-plugins');
const PLUGINS = ['co-creation', 'loyalty-points'];
const CATALOG_SIZE = 20;
const WITH_FIELDS = CATALOG.replace('variants { title listings {', 'coCreatedFrom { title votes } variants { title listings { loyaltyPoints');
const catalogOf = (query: string, first: number) => query.replace(`products(first: ${CATALOG_SIZE})`, `products(first: ${first})`);

interface Scenario {
  name: string;
  label: string;
  server: Child<ZocoServerInfo>;
  query: string;
  rounds: Measured[];
  /** Per page size, statements of the first request and of the same request again. */
  statements: { first: number; again: number }[];
  coCreatedOnPage: number;
}

interface Measured {
  result: LoadResult;
  serverCpu: number;
  databaseCpu: number | null;
}

const post = (server: Child<ZocoServerInfo>, query: string) =>
  fetch(server.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody(query) }).then((r) => r.text());

/** Checks the answer and counts statements per page size: each size twice, as the first request may also learn installations. */
async function prepare(scenario: Scenario): Promise<void> {
  const { server, query } = scenario;
  const answer = await post(server, query);
  if (answer.includes('"errors"')) throw new Error(`${scenario.name}: the query fails: ${answer.slice(0, 300)}`);
  scenario.coCreatedOnPage = (answer.match(/"coCreatedFrom":\{/g) ?? []).length;
  const count = async (first: number) => {
    const before = await server.call<number>('statements');
    await post(server, catalogOf(query, first));
    return (await server.call<number>('statements')) - before;
  };
  scenario.statements = [];
  for (const first of [10, 20, 50, 100]) scenario.statements.push({ first: await count(first), again: await count(first) });
}

async function measure(scenario: Scenario, pgDataDir: string, profile: boolean): Promise<void> {
  const { server } = scenario;
  let start: Promise<[NodeJS.CpuUsage, number | null]> | undefined;
  const result = await load({
    url: server.info.url,
    connections: 50,
    seconds: Number(args.seconds),
    warmupSeconds: Number(args.warmup),
    body: graphqlBody(scenario.query),
    verify: goodGraphql(/"nodes"\s*:\s*\[\{/),
    onMeasureStart: () => {
      start = (async () => {
        if (profile) await server.call('profileStart');
        return [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
      })();
    },
  });
  const [cpu1, db1] = [await server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
  const [cpu0, db0] = await start!;
  if (profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    await server.call('profileStop', path.join(PROFILE_DIR, `${scenario.name}.cpuprofile`));
  }
  const serverCpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / result.requests;
  const databaseCpu = db0 === null || db1 === null ? null : (db1 - db0) / result.requests;
  scenario.rounds.push({ result, serverCpu, databaseCpu });
  console.log(`${scenario.name.padEnd(28)} ${result.rps.toFixed(0).padStart(4)} req/s  ${serverCpu.toFixed(0)} µs server CPU/op`);
}

/** Alternating rounds over the scenarios, each prepared first. */
async function measureRounds(scenarios: Scenario[], pgDataDir: string): Promise<void> {
  for (const s of scenarios) await prepare(s);
  const rounds = Number(args.rounds);
  for (let round = 1; round <= rounds; round++) {
    for (const s of scenarios) await measure(s, pgDataDir, args['cpu-prof'] && round === rounds);
  }
}

const rps = (s: Scenario) => median(s.rounds.map((r) => r.result.rps));

function row(s: Scenario): string {
  const med = (pick: (m: Measured) => number | null) => {
    const values = s.rounds.map(pick).filter((v): v is number => v !== null);
    return values.length ? median(values) : null;
  };
  const statements = s.statements.map((c) => (c.first === c.again ? `${c.first}` : `${c.first} → ${c.again}`)).join(', ');
  const bad = s.rounds.reduce((n, r) => n + r.result.non2xx + r.result.badBodies + r.result.errors, 0);
  return [
    s.label,
    `${rps(s).toFixed(0)} req/s (${s.rounds.map((r) => r.result.rps.toFixed(0)).join(', ')})`,
    `${med((m) => m.result.p50)!.toFixed(1)} ms`,
    `${med((m) => m.result.p99)!.toFixed(1)} ms`,
    `${med((m) => m.serverCpu)!.toFixed(0)} µs`,
    `${med((m) => m.databaseCpu)?.toFixed(0) ?? '?'} µs`,
    statements,
    `${bad}`,
  ].join(' | ');
}

async function main(): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const pgDataDir = path.join(DATA_DIR, 'pg');
  const plain = await startChild<ZocoServerInfo>('zoco-server.js', { dataDir: DATA_DIR, embeddedPgPort: 54341, seed: true } satisfies ZocoServerOptions);
  const plugged = await startChild<ZocoServerInfo>('zoco-server.js', {
    dataDir: DATA_DIR,
    databaseUrl: plain.info.databaseUrl,
    embeddedPgPort: 54341,
    seed: false,
    plugins: PLUGINS,
  } satisfies ZocoServerOptions);
  const scenario = (name: string, label: string, server: Child<ZocoServerInfo>, query: string): Scenario => ({
    name,
    label,
    server,
    query,
    rounds: [],
    statements: [],
    coCreatedOnPage: 0,
  });
  const without = scenario('no-plugins', 'CATALOG, app without plugins', plain, CATALOG);
  const offered = scenario('plugins-no-fields', 'CATALOG, app offering the plugins, no plugin fields', plugged, CATALOG);
  const fields = scenario('plugins-fields', 'CATALOG + `coCreatedFrom` + `loyaltyPoints`', plugged, WITH_FIELDS);
  const coCreated = scenario('plugins-fields-co-created', 'the same, 1 in 20 products made from a proposal', plugged, WITH_FIELDS);
  const withoutAgain = scenario('no-plugins-again', 'CATALOG, app without plugins (rounds with the previous row)', plain, CATALOG);
  try {
    await plugged.call('installForHalf');
    await measureRounds([without, offered, fields], pgDataDir);
    await plugged.call('coCreateOneInTwenty');
    await measureRounds([withoutAgain, coCreated], pgDataDir);
  } finally {
    await plugged.stop();
    await plain.stop();
  }

  const percent = (s: Scenario, of: Scenario) => `${((rps(s) / rps(of)) * 100).toFixed(0)}%`;
  const steady = [fields, coCreated].every((s) => new Set(s.statements.map((c) => c.again)).size === 1);
  const learning = Math.max(...[fields, coCreated].flatMap((s) => s.statements.map((c) => c.first - c.again)));
  const section = [
    '<!-- plugins-bench -->',
    '## Issue 4: the CATALOG page with plugins',
    '',
    `Command: \`npm run bench:plugins\` (50 connections, ${args.warmup} s warm-up + ${args.seconds} s measured per round, ${args.rounds} alternating rounds, embedded PostgreSQL, the \`bench\` scale). Two servers on one database, measured one at a time: one without plugins, one offering ${PLUGINS.join(' and ')}, installed by every other seller. Medians of the rounds (each round's throughput in brackets).`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    '| | throughput | p50 | p99 | server CPU/op | database CPU/op | SQL statements (first 10, 20, 50, 100; a → b: first request → again) | bad responses |',
    '|---|---:|---:|---:|---:|---:|---|---:|',
    ...[without, offered, fields, withoutAgain, coCreated].map((s) => `| ${row(s)} |`),
    '',
    `With both plugins' fields selected: ${percent(fields, without)} of the app without plugins (target ≥ 90%), ${percent(fields, offered)} of the same app without the fields.`,
    `With ${coCreated.coCreatedOnPage} of the ${CATALOG_SIZE} products on the page made from a proposal (their proposals: one more statement the first time, then kept in memory, as a converted proposal never changes): ${percent(coCreated, withoutAgain)} of the app without plugins.`,
    `Statements constant in page size: ${steady ? 'yes' : 'no'}; a page's first request costs at most ${learning} more while the app learns which of its sellers installed the plugins (then kept in memory).`,
    '<!-- /plugins-bench -->',
  ].join('\n');
  publishSection('plugins-bench', section, !args['no-write']);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
