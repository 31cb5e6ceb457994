import { rmSync } from 'node:fs';
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
 * Issue 9: what the throttle costs per request. Two servers on one database (the `bench` scale, embedded
 * PostgreSQL), one with the throttle on (buckets the load never drains, so every request pays for its
 * bucket and none is refused) and one with it off, measured one at a time in alternating rounds, on a
 * query that does no SQL of its own (a guest's `viewer`: the bucket's statement is all the database
 * sees) and on the CATALOG page. Medians of the rounds.
 */
const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const DATA_DIR = path.join(ROOT, 'bench/.data-throttle');
const PG_PORT = 54343;
const CHEAP = '{ viewer { id } }';
/** Costs nothing: the throttle answers from what this instance last saw of the bucket, without a statement. */
const FREE = '{ __typename }';

interface Scenario {
  label: string;
  server: Child<ZocoServerInfo>;
  query: string;
  verify: (body: string) => boolean;
  rounds: { result: LoadResult; serverCpu: number; databaseCpu: number | null }[];
}

async function measure(s: Scenario, pgDataDir: string): Promise<void> {
  let start: Promise<[NodeJS.CpuUsage, number | null]> | undefined;
  const result = await load({
    url: s.server.info.url,
    connections: 50,
    seconds: Number(args.seconds),
    warmupSeconds: Number(args.warmup),
    body: graphqlBody(s.query),
    verify: s.verify,
    onMeasureStart: () => {
      start = (async () => [await s.server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)] as [NodeJS.CpuUsage, number | null])();
    },
  });
  const [cpu1, db1] = [await s.server.call<NodeJS.CpuUsage>('cpu'), databaseCpuMicros(pgDataDir)];
  const [cpu0, db0] = await start!;
  const serverCpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / result.requests;
  const databaseCpu = db0 === null || db1 === null ? null : (db1 - db0) / result.requests;
  s.rounds.push({ result, serverCpu, databaseCpu });
  console.log(`${s.label.padEnd(34)} ${result.rps.toFixed(0).padStart(5)} req/s  ${serverCpu.toFixed(0)} µs server CPU/op  ${databaseCpu?.toFixed(0) ?? '?'} µs database CPU/op`);
}


function row(s: Scenario): string {
  const med = (pick: (r: Scenario['rounds'][number]) => number | null) => {
    const values = s.rounds.map(pick).filter((v): v is number => v !== null);
    return values.length ? median(values) : null;
  };
  const bad = s.rounds.reduce((n, r) => n + r.result.non2xx + r.result.badBodies + r.result.errors, 0);
  return `| ${[
    s.label,
    `${med((r) => r.result.rps)!.toFixed(0)} req/s (${s.rounds.map((r) => r.result.rps.toFixed(0)).join(', ')})`,
    `${med((r) => r.result.p50)!.toFixed(2)} ms`,
    `${med((r) => r.result.p99)!.toFixed(2)} ms`,
    `${med((r) => r.serverCpu)!.toFixed(0)} µs`,
    `${med((r) => r.databaseCpu)?.toFixed(0) ?? '?'} µs`,
    `${bad}`,
  ].join(' | ')} |`;
}

async function main(): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const pgDataDir = path.join(DATA_DIR, 'pg');
  const on = await startChild<ZocoServerInfo>('zoco-server.js', { dataDir: DATA_DIR, embeddedPgPort: PG_PORT, seed: true } satisfies ZocoServerOptions);
  const off = await startChild<ZocoServerInfo>('zoco-server.js', {
    dataDir: DATA_DIR,
    databaseUrl: on.info.databaseUrl,
    embeddedPgPort: PG_PORT,
    seed: false,
    throttle: { enabled: false },
  } satisfies ZocoServerOptions);
  const freeOk = goodGraphql(/"__typename"\s*:\s*"Query"/);
  const cheapOk = goodGraphql(/"viewer"\s*:\s*null/);
  const catalogOk = goodGraphql(/"nodes"\s*:\s*\[\{/);
  const scenario = (label: string, server: Child<ZocoServerInfo>, query: string, verify: (b: string) => boolean): Scenario => ({
    label,
    server,
    query,
    verify,
    rounds: [],
  });
  const scenarios = [
    scenario('`{ __typename }` (cost 0), throttle off', off, FREE, freeOk),
    scenario('`{ __typename }` (cost 0), throttle on', on, FREE, freeOk),
    scenario('`{ viewer { id } }`, throttle off', off, CHEAP, cheapOk),
    scenario('`{ viewer { id } }`, throttle on', on, CHEAP, cheapOk),
    scenario('CATALOG, throttle off', off, CATALOG, catalogOk),
    scenario('CATALOG, throttle on', on, CATALOG, catalogOk),
  ];
  try {
    for (const s of scenarios) {
      const res = await fetch(s.server.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody(s.query) });
      const text = await res.text();
      if (!s.verify(text)) throw new Error(`${s.label}: ${text.slice(0, 300)}`);
    }
    for (let round = 1; round <= Number(args.rounds); round++) for (const s of scenarios) await measure(s, pgDataDir);
  } finally {
    // autocannon drops its sockets at the end; let the servers finish what they had in flight.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await off.stop();
    await on.stop();
  }

  const [freeOff, freeOn, cheapOff, cheapOn, catalogOff, catalogOn] = scenarios as [Scenario, Scenario, Scenario, Scenario, Scenario, Scenario];
  // On and off ran back to back in each round: their difference per round is steadier than a difference of medians.
  const perRound = (on: Scenario, off: Scenario, pick: (r: Scenario['rounds'][number]) => number | null) => {
    const diffs = on.rounds.map((r, i) => (pick(r) ?? Number.NaN) - (pick(off.rounds[i]!) ?? Number.NaN));
    return `${median(diffs).toFixed(0)} µs (rounds: ${diffs.map((d) => d.toFixed(0)).join(', ')})`;
  };
  const cost = (on: Scenario, off: Scenario) => `${perRound(on, off, (r) => r.serverCpu)} of server CPU and ${perRound(on, off, (r) => r.databaseCpu)} of database CPU`;
  const section = [
    '<!-- throttle-bench -->',
    '## Issue 9: what the throttle costs per request',
    '',
    `Command: \`npm run bench:throttle\` (50 connections, ${args.warmup} s warm-up + ${args.seconds} s measured per round, ${args.rounds} alternating rounds, embedded PostgreSQL, the \`bench\` scale). Two servers on one database, measured one at a time: the throttle on (buckets the load never drains: every request runs the bucket's statement and none is refused) and off. All the load comes from one guest address, so every request updates the same bucket row: the worst case for row contention. Medians of the rounds (each round's throughput in brackets).`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    '',
    '| | throughput | p50 | p99 | server CPU/op | database CPU/op | bad responses |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...scenarios.map(row),
    '',
    `What the throttle adds per request, median of each round's difference between on and off: ${cost(cheapOn, cheapOff)} on \`{ viewer { id } }\` ` +
      `(no SQL of its own: one statement for the bucket); ${cost(freeOn, freeOff)} on \`{ __typename }\` (cost 0: no statement); ` +
      `${cost(catalogOn, catalogOff)} on CATALOG. Compare with the spread of the rounds' throughput above: on a busy machine a difference smaller than that is noise.`,
    '<!-- /throttle-bench -->',
  ].join('\n');
  publishSection('throttle-bench', section, !args['no-write']);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
