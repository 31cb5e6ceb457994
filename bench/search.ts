import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { createApp } from '../src/app';
import { databaseUrl, ensureDatabase } from '../src/db/databases';
import { seedDatabase, type SeedScale } from '../src/seed/seed';
import { publishSection } from './report';
import { processesCpuMicros } from './database-cpu';
import { statementCount } from '../src/db/data-source';
import { FACETED, floorSql, MIX, PREFIXES, SUGGEST, TOP } from './search-mix';

/**
 * Search latency (issue 12): the `search` query over HTTP with and without facets, side by side with two
 * baselines on the same data through a plain pg pool: `ILIKE '%term%'` top 20 (what naive apps do) and a
 * bare `to_tsquery` top 20 on the search index (the floor). Each variant runs the same query mix in closed
 * loops at 1 and at N concurrent clients. The database (`zoco_bench_search_<scale>` on DATABASE_URL's
 * server) is migrated and seeded once and kept for later runs.
 */
const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'large' },
    seconds: { type: 'string', default: '6' },
    clients: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
    /** The bench database on DATABASE_URL's server (seeded when empty, kept): your own name avoids another run's. */
    database: { type: 'string' },
    /** Another build's directory (e.g. a copy of dist from before a change): its app, this driver and mix, for back-to-back pairs. */
    app: { type: 'string' },
  },
});
const scale = args.scale as SeedScale;
const seconds = Number(args.seconds);
const manyClients = Number(args.clients);
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Run = (i: number) => Promise<void>;
interface Cell {
  failed: number;
  /** Per request: this process's CPU (the app and the closed-loop clients), the bench database's backends' CPU (null when not local), SQL statements sent by the app. */
  appCpu: number;
  dbCpu: number | null;
  statements: number;
  p50: number;
  p99: number;
  perSecond: number;
  byKind: Record<string, number[]>;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Steady per-request costs beside the wall clock, which a shared machine's load inflates: CPU and statements. */
interface Meters {
  statements(): number;
  databaseCpu(): Promise<Map<string, number> | null>;
}

async function measure(clients: number, run: Run, meters: Meters): Promise<Cell> {
  const latencies: number[] = [];
  const [cpu0, db0, statements0] = [process.cpuUsage(), await meters.databaseCpu(), meters.statements()];
  const byKind: Record<string, number[]> = {};
  let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const i = next++;
        const started = performance.now();
        // A shared server may refuse a connection now and then: counted, not fatal to the run.
        if (!(await run(i).then(() => true, () => false))) {
          failed++;
          continue;
        }
        const ms = performance.now() - started;
        latencies.push(ms);
        const kind = MIX[i % MIX.length]!.kind;
        const list = byKind[kind] ?? [];
        list.push(ms);
        byKind[kind] = list;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const db1 = await meters.databaseCpu();
  const n = Math.max(1, latencies.length + failed);
  // Backends that started during the cell count from zero; those that ended are missed (pools keep theirs).
  const dbCpu = db0 && db1 ? [...db1].reduce((sum, [pid, micros]) => sum + micros - (db0.get(pid) ?? 0), 0) / n / 1000 : null;
  latencies.sort((a, b) => a - b);
  for (const list of Object.values(byKind)) list.sort((a, b) => a - b);
  return {
    failed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: latencies.length / seconds,
    byKind,
    appCpu: (cpu.user + cpu.system) / n / 1000,
    dbCpu,
    statements: (meters.statements() - statements0) / n,
  };
}

async function main(): Promise<void> {
  const name = args.database ?? `zoco_bench_search_${scale}`;
  await ensureDatabase(serverUrl, name);
  const url = databaseUrl(serverUrl, name);
  const create: typeof createApp = args.app ? (require(path.resolve(args.app, 'src/app.js')) as { createApp: typeof createApp }).createApp : createApp;
  const app = await create({
    databaseUrl: url,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'zoco-bench-search-')),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    migrateOnStart: true,
    env: 'test',
    throttle: { enabled: false },
  });
  const pool = new Pool({ connectionString: url, max: manyClients });
  try {
    const [{ count }] = await app.dataSource.query('SELECT count(*)::int AS count FROM product');
    let seedNote = `reused (${count} products)`;
    if (count === 0) {
      const started = Date.now();
      const seeded = await seedDatabase(app.dataSource, scale);
      await app.dataSource.query('VACUUM ANALYZE');
      seedNote = `seeded ${seeded.products} products, ${seeded.listings} listings in ${((Date.now() - started) / 1000).toFixed(0)} s (search index and vocabulary by the triggers)`;
    }
    console.log(seedNote);

    const post = async (query: string, variables: object) => {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const words = (q: string) => q.split(' ');
    /** The words the baselines search: what the search searched, corrections applied. */
    const searched = (i: number) => words(MIX[i % MIX.length]!.corrected ?? MIX[i % MIX.length]!.query);
    for (const m of MIX) {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: TOP, variables: { q: m.query, filter: m.filter } }) });
      const { data } = (await res.json()) as { data?: { search: { correctedQuery: string | null } } };
      if (data?.search.correctedQuery !== (m.corrected ?? null)) {
        throw new Error(`${m.kind} (${m.query}): correctedQuery ${JSON.stringify(data?.search.correctedQuery)}, expected ${JSON.stringify(m.corrected ?? null)}`);
      }
    }
    const variants: [string, Run][] = [
      ['`search` top 20 (API, HTTP)', (i) => post(TOP, { q: MIX[i % MIX.length]!.query, filter: MIX[i % MIX.length]!.filter })],
      ['`search` top 20 + totalCount + facets (API, HTTP)', (i) => post(FACETED, { q: MIX[i % MIX.length]!.query, filter: MIX[i % MIX.length]!.filter })],
      ['reference: `{ __typename }` (API, HTTP: the transport alone)', () => post('{ __typename }', {})],
      ['`searchSuggest` (API, HTTP; prefixes below)', (i) => post(SUGGEST, { p: PREFIXES[i % PREFIXES.length] })],
      [
        "baseline: `ILIKE '%term%'` top 20 (SQL)",
        async (i) => {
          const terms = searched(i);
          const where = terms.map((_, k) => `(p.title ILIKE $${k + 1} OR p.description ILIKE $${k + 1})`).join(' AND ');
          await pool.query(`SELECT p.id, p.title, p.min_price FROM product p WHERE p.status = 'active' AND ${where} ORDER BY p.created_at DESC LIMIT 20`,
            terms.map((t) => `%${t}%`));
        },
      ],
      [
        'baseline: bare `to_tsquery` top 20 by ts_rank (SQL, the floor)',
        async (i) => {
          const { prefix } = MIX[i % MIX.length]!;
          const terms = searched(i);
          await pool.query(floorSql(terms.length, prefix ?? false), terms);
        },
      ],
    ];
    const meters: Meters = {
      statements: () => statementCount(app.dataSource),
      databaseCpu: async () =>
        processesCpuMicros(
          (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid),
        ),
    };
    // Warm caches and plans once per variant.
    for (const [, run] of variants) for (let i = 0; i < MIX.length * 2; i++) await run(i);

    const results: { variant: string; clients: number; cell: Cell }[] = [];
    for (const clients of [1, manyClients]) {
      for (const [variant, run] of variants) {
        const cell = await measure(clients, run, meters);
        results.push({ variant, clients, cell });
        console.log(
          `${variant} @${clients}: p50 ${cell.p50.toFixed(1)} ms, p99 ${cell.p99.toFixed(1)} ms, ${cell.perSecond.toFixed(0)}/s, CPU/request app ${cell.appCpu.toFixed(1)} ms db ${cell.dbCpu?.toFixed(1) ?? '—'} ms, ${cell.statements.toFixed(1)} statements`,
        );
      }
    }
    const floor = results.find((r) => r.clients === 1 && r.variant.includes('floor'))!.cell;
    const faceted = results.find((r) => r.clients === 1 && r.variant.includes('facets'))!.cell;
    const [load1, load5] = os.loadavg();
    const section = [
      '<!-- search-bench -->',
      '## Issue 12: search latency',
      '',
      `Command: \`npm run bench:search -- --scale ${scale} --seconds ${seconds} --clients ${manyClients}\` (DATABASE_URL's PostgreSQL ${(await app.dataSource.query('SHOW server_version'))[0].server_version}, app and clients in one Node process, closed loops, ${seconds} s per cell, ${seedNote}).`,
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} (1 / 5 min) at the end — shared with other work, so absolute numbers are pessimistic.`,
      `Query mix, rotated: ${MIX.map((m) => `${m.kind} (\`${m.query}\`${m.corrected ? `, corrected to \`${m.corrected}\`` : ''}${m.filter ? ` + ${JSON.stringify(m.filter)}` : ''})`).join(', ')}. The baselines take the same words; the floor matches the rows the search matches (each word by its Spanish stem, its English stem or itself, the prefix kind's last word as a prefix) and ranks them by ts_rank alone. searchSuggest prefixes: ${PREFIXES.join(', ')}.`,
      '',
      'CPU per request (steadier than the wall clock on a loaded machine): this process (the app and the clients) and the bench database\'s backends (from /proc: the server is local); SQL statements the app sent per request.',
      '',
      '| variant | clients | p50 ms | p99 ms | requests/s | failed | app CPU ms | db CPU ms | statements |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...results.map(
        (r) =>
          `| ${r.variant} | ${r.clients} | ${r.cell.p50.toFixed(1)} | ${r.cell.p99.toFixed(1)} | ${r.cell.perSecond.toFixed(0)} | ${r.cell.failed} | ${r.cell.appCpu.toFixed(1)} | ${r.cell.dbCpu?.toFixed(1) ?? '—'} | ${r.cell.statements.toFixed(1)} |`,
      ),
      '',
      `searchSuggest at 1 client: p99 ${results.find((r) => r.clients === 1 && r.variant.includes('searchSuggest'))!.cell.p99.toFixed(1)} ms (target < 10 ms).`,
      `At 1 client with facets: p99 ${faceted.p99.toFixed(1)} ms (target < 50 ms), ${(faceted.p99 / floor.p99).toFixed(1)}× the floor's p99 (target ≤ 2×); p50 ${(faceted.p50 / floor.p50).toFixed(1)}× the floor's.`,
      '',
      'Per query kind at 1 client, `search` with facets beside the floor on the same words (p50 / p99 ms):',
      '',
      '| kind | search p50 | search p99 | floor p50 | floor p99 |',
      '|---|---:|---:|---:|---:|',
      ...Object.entries(faceted.byKind).map(([kind, l]) => {
        const f = floor.byKind[kind] ?? [];
        return `| ${kind} | ${percentile(l, 50).toFixed(1)} | ${percentile(l, 99).toFixed(1)} | ${percentile(f, 50).toFixed(1)} | ${percentile(f, 99).toFixed(1)} |`;
      }),
      '<!-- /search-bench -->',
    ].join('\n');
    publishSection('search-bench', section, !args['no-write']);
  } finally {
    await pool.end();
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
