import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { createApp, type App } from '../src/app';
import { databaseUrl } from '../src/db/databases';
import { statementCount } from '../src/db/data-source';
import { processesCpuMicros } from './database-cpu';
import { FACETED, floorSql, MIX as FULL_MIX, TOP } from './search-mix';

/**
 * bench:search's faceted search (or its top 20) at 1 client, this build (A) against another build (B, `--base`: a
 * directory holding a `dist` of zoco, e.g. a copy of dist kept before a change, placed where it resolves the
 * same node_modules, e.g. dist/.base) and the floor, in alternating windows in one process on the same seeded
 * database (bench:search's, reused: `--database`), so that a shared machine's load hits all three alike. Per
 * variant: p50 / p99 and per kind p50 over every window, CPU per request of this process (the app and its one
 * client) and of the database's backends, statements per request. Checks first that A and B answer alike.
 *
 *   DATABASE_URL=... node dist/bench/search-ab.js --base dist/.base --database search2x_large [--top] [--rounds 4]
 */
const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    database: { type: 'string', default: 'zoco_bench_search_large' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '4' },
    top: { type: 'boolean', default: false },
    /** Only these kinds of the mix (comma-separated), e.g. `typo,prefix`. */
    kinds: { type: 'string' },
    /** Requests per variant before the windows: each connection plans a prepared statement 5 times before its generic plan. */
    warmup: { type: 'string', default: '200' },
  },
});
const MIX = args.kinds ? FULL_MIX.filter((m) => args.kinds!.split(',').includes(m.kind)) : FULL_MIX;
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Totals {
  latencies: number[];
  byKind: Map<string, number[]>;
  appMicros: number;
  dbMicros: number;
  statements: number;
  requests: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const url = databaseUrl(serverUrl, args.database!);
  const open = async (create: typeof createApp) =>
    create({
      databaseUrl: url,
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'zoco-search-ab-')),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      migrateOnStart: false,
      env: 'test',
      throttle: { enabled: false },
    });
  const a = await open(createApp);
  const b = args.base ? await open((require(path.resolve(args.base, 'src/app.js')) as { createApp: typeof createApp }).createApp) : null;
  const pool = new Pool({ connectionString: url, max: 2 });
  const query = args.top ? TOP : FACETED;
  const post = async (app: App, i: number) => {
    const m = MIX[i % MIX.length]!;
    const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { q: m.query, filter: m.filter } }) });
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body;
  };
  const floor = async (i: number) => {
    const m = MIX[i % MIX.length]!;
    const terms = (m.corrected ?? m.query).split(' ');
    await pool.query(floorSql(terms.length, m.prefix ?? false), terms);
  };
  try {
    if (b) {
      for (let i = 0; i < MIX.length; i++) {
        const [x, y] = [await post(a, i), await post(b, i)];
        if (!isDeepStrictEqual(x, y)) throw new Error(`A and B answer ${MIX[i]!.kind} differently:\n${JSON.stringify(x)}\n${JSON.stringify(y)}`);
      }
      console.log(`A and B answer the ${MIX.length} kinds alike`);
    }
    const variants: [string, (i: number) => Promise<unknown>, App | null][] = [
      ['A (this build)', (i) => post(a, i), a],
      ...(b ? [['B (--base)', (i: number) => post(b, i), b] as [string, (i: number) => Promise<unknown>, App]] : []),
      ['floor (SQL)', floor, null],
    ];
    for (const [, run] of variants) for (let i = 0; i < Number(args.warmup); i++) await run(i);
    const totals = variants.map((): Totals => ({ latencies: [], byKind: new Map(), appMicros: 0, dbMicros: 0, statements: 0, requests: 0 }));
    const backends = async () =>
      processesCpuMicros((await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid));
    for (let round = 0; round < Number(args.rounds); round++) {
      // Rotate the order so that each variant takes every place in turn (whatever a window leaves to the next one).
      const order = [...variants.keys()].map((k) => (k + round) % variants.length);
      for (const v of order) {
        const [, run, app] = variants[v]!;
        const t = totals[v]!;
        // A pool closes a connection idle for 10 s (this variant's, while the others ran): reopened before the window.
        for (let i = 0; i < MIX.length; i++) await run(i);
        const [cpu0, db0, st0] = [process.cpuUsage(), await backends(), app ? statementCount(app.dataSource) : 0];
        const until = Date.now() + Number(args.seconds) * 1000;
        let i = 0;
        let n = 0;
        while (Date.now() < until) {
          const started = performance.now();
          await run(i);
          const ms = performance.now() - started;
          t.latencies.push(ms);
          const kind = MIX[i % MIX.length]!.kind;
          t.byKind.set(kind, [...(t.byKind.get(kind) ?? []), ms]);
          i++;
          n++;
        }
        const cpu = process.cpuUsage(cpu0);
        // Backends that started during the window count from zero (a pool reopens a connection idle for 10 s), those
        // that ended are missed.
        const db1 = await backends();
        t.appMicros += cpu.user + cpu.system;
        if (db0 && db1) t.dbMicros += [...db1].reduce((sum, [pid, micros]) => sum + micros - (db0.get(pid) ?? 0), 0);
        t.statements += app ? statementCount(app.dataSource) - st0 : 0;
        t.requests += n;
        if (process.env['SEARCH_AB_VERBOSE']) console.log(`round ${round} ${variants[v]![0]}: ${n} requests, db CPU ${db0 && db1 ? ([...db1].reduce((sum, [pid, micros]) => sum + micros - (db0.get(pid) ?? 0), 0) / n / 1000).toFixed(2) : '-'} ms`);
      }
    }
    const [load1, load5] = os.loadavg();
    console.log(`${args.top ? 'top 20' : 'faceted'} at 1 client, ${args.rounds} rounds of ${args.seconds} s windows, load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)}`);
    console.log('| variant | requests | p50 ms | p99 ms | app CPU ms | db CPU ms | statements | ' + MIX.map((m) => m.kind).join(' | ') + ' |');
    variants.forEach(([name], v) => {
      const t = totals[v]!;
      t.latencies.sort((x, y) => x - y);
      const kinds = MIX.map((m) => percentile([...(t.byKind.get(m.kind) ?? [])].sort((x, y) => x - y), 0.5).toFixed(1));
      console.log(
        `| ${name} | ${t.requests} | ${percentile(t.latencies, 0.5).toFixed(1)} | ${percentile(t.latencies, 0.99).toFixed(1)} | ${(t.appMicros / t.requests / 1000).toFixed(2)} | ${(t.dbMicros / t.requests / 1000).toFixed(2)} | ${(t.statements / t.requests).toFixed(2)} | ${kinds.join(' | ')} |`,
      );
    });
  } finally {
    await pool.end();
    await Promise.all([a.stop(), b?.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
