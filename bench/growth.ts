import { Client } from 'pg';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, ensureDatabase } from '../src/db/databases';
import { SEED_SCALES, type SeedScale } from '../src/seed/seed';
import { startChild, type Child } from './child-process';
import { databaseCpuMicros, processesCpuMicros } from './database-cpu';
import { goodGraphql, load, type LoadResult, median } from './load';
import { CATALOG, PRODUCT, graphqlBody } from './queries';
import { publishSection } from './report';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

/**
 * Issue "Speed", growth: the same four workloads on catalogs of 5k (`bench`), 100k (`large`) and 1M (`xl`)
 * products, each scale's real app in its own process, measured one workload at a time, the scales taking
 * turns in every round so that a shared machine's noise falls on all of them. Seeded databases are kept
 * for later runs: `zoco_bench_<scale>` on DATABASE_URL's server, or an embedded one in bench/.data-<scale>.
 */
const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    scales: { type: 'string', default: 'bench,large,xl' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    'no-write': { type: 'boolean', default: false },
    /** Databases `<prefix><scale>` on DATABASE_URL's server: your own prefix keeps another run's databases out of yours. */
    'database-prefix': { type: 'string', default: 'zoco_bench_' },
    /** Comma-separated workload names to run (default: all), e.g. `search + facets`. */
    workloads: { type: 'string' },
    /** config.searchExactLimit for the servers (default the config's, 10,000): how much a search reads at most. */
    'search-exact-limit': { type: 'string' },
  },
});
const scales = args.scales.split(',') as SeedScale[];
for (const s of scales) if (!SEED_SCALES.includes(s)) throw new Error(`--scales: unknown scale ${s}`);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const rounds = Number(args.rounds);
const serverUrl = process.env['DATABASE_URL'];
const TARGET = 0.8;

const LISTING = `query ($filter: ProductFilter, $sort: ProductSort!) { products(first: 20, filter: $filter, sort: $sort) {
  nodes { title slug priceRange { min { amount currency } max { amount currency } } bestListing { price { amount currency } seller { name } } }
  pageInfo { hasNextPage endCursor } } }`;
const SEARCH = `query ($q: String!) { search(query: $q, first: 20) {
  totalCount correctedQuery nodes { id title priceRange { min { amount } } }
  facets { categories { category { id name } count children { category { id name } count } }
    sellers { seller { id name } count } priceRanges { min { amount } max { amount } count }
    conditions { condition count } ratings { minRating count } inStock } } }`;
/** Frequent and rare words, Spanish and English, a typo (corrected to `auriculares`), accent-less, a prefix: as bench/search.ts. */
const SEARCH_WORDS = ['premium', 'cortavientos', 'camiseta algodon', 'running shoes', 'auriculres inalambricos', 'lampara', 'zapatil'];

interface Workload {
  name: string;
  body: () => string;
  verify: (body: string) => boolean;
}

function workloads(info: ZocoServerInfo, categories: Record<string, string>): Workload[] {
  let product = 0;
  let listing = 0;
  let search = 0;
  // A root category page (its sub-categories' products), price range and stock, cheapest first; a leaf
  // category, dearest first; a price ceiling over the whole catalog, newest first.
  const listings = [
    { filter: { category: categories['moda'], inStock: true, priceMin: 2000, priceMax: 10000 }, sort: 'PRICE_ASC' },
    { filter: { category: categories['auriculares'], inStock: true }, sort: 'PRICE_DESC' },
    { filter: { priceMax: 3000 }, sort: 'NEWEST' },
  ];
  return [
    { name: 'CATALOG', body: () => graphqlBody(CATALOG), verify: goodGraphql(/"nodes"\s*:\s*\[\{/) },
    {
      name: 'PRODUCT',
      body: () => graphqlBody(PRODUCT, { slug: info.productSlugs[product++ % info.productSlugs.length] }),
      verify: goodGraphql(/"product"\s*:\s*\{/),
    },
    { name: 'listing page', body: () => graphqlBody(LISTING, listings[listing++ % listings.length]), verify: goodGraphql(/"nodes"\s*:\s*\[\{/) },
    { name: 'search + facets', body: () => graphqlBody(SEARCH, { q: SEARCH_WORDS[search++ % SEARCH_WORDS.length] }), verify: goodGraphql(/"facets"\s*:\s*\{/) },
  ];
}

interface Server {
  scale: SeedScale;
  child: Child<ZocoServerInfo>;
  pgDataDir: string | null;
  work: Workload[];
}

type Measured = LoadResult & { cpuMicrosPerOp: number; dbCpuMicrosPerOp: number | null };

async function startServer(scale: SeedScale, index: number): Promise<Server> {
  const dataDir = path.join(ROOT, `bench/.data-${scale}`);
  const options: ZocoServerOptions = { dataDir, embeddedPgPort: 54360 + index, seed: 'if-empty', scale, slugs: 2_000 };
  if (args['search-exact-limit']) options.searchExactLimit = Number(args['search-exact-limit']);
  if (serverUrl) {
    await ensureDatabase(serverUrl, `${args['database-prefix']}${scale}`);
    options.databaseUrl = databaseUrl(serverUrl, `${args['database-prefix']}${scale}`);
  }
  const started = Date.now();
  console.log(`${scale}: starting (seeds the database if it is empty)`);
  const child = await startChild<ZocoServerInfo>('zoco-server.js', options);
  console.log(`${scale}: ready after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const categories: Record<string, string> = {};
  for (const slug of ['moda', 'auriculares']) {
    const res = await fetch(child.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody(`{ category(slug: "${slug}") { id } }`) });
    categories[slug] = ((await res.json()) as { data: { category: { id: string } } }).data.category.id;
  }
  const only = args.workloads?.split(',');
  const work = workloads(child.info, categories).filter((w) => !only || only.includes(w.name));
  return { scale, child, pgDataDir: serverUrl ? null : path.join(dataDir, 'pg'), work };
}

/**
 * The database's CPU time so far: the embedded server's processes, or on DATABASE_URL's (local) server the
 * backends connected to the scale's database (the app's pool keeps its connections while under load).
 */
async function databaseCpu(server: Server, pids: string[]): Promise<number | null> {
  if (server.pgDataDir) return databaseCpuMicros(server.pgDataDir);
  // A backend gone since (the pool closed it) counts 0: the pool keeps its connections while under load.
  return pids.length ? pids.reduce((sum, pid) => sum + (processesCpuMicros([pid])?.get(pid) ?? 0), 0) : null;
}

async function backendPids(url: string): Promise<string[]> {
  const rows = await query<{ pid: string }>(url, 'SELECT pid::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return rows.map((r) => r.pid);
}

/** One statement on its own connection; a shared server out of connections is waited for, a few times. */
async function query<T>(url: string, sql: string): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query(sql)).rows;
    } catch (err) {
      if (attempt === 10 || (err as { code?: string }).code !== '53300') throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function measure(server: Server, work: Workload): Promise<Measured> {
  let start: Promise<[NodeJS.CpuUsage, number | null]> | undefined;
  let pids: string[] = [];
  const r = await load({
    url: server.child.info.url,
    body: work.body,
    verify: work.verify,
    connections,
    seconds,
    warmupSeconds,
    onMeasureStart: () => {
      start = (async () => {
        if (!server.pgDataDir) pids = await backendPids(server.child.info.databaseUrl);
        return [await server.child.call<NodeJS.CpuUsage>('cpu'), await databaseCpu(server, pids)];
      })();
    },
  });
  const [cpu1, db1] = [await server.child.call<NodeJS.CpuUsage>('cpu'), await databaseCpu(server, pids)];
  const [cpu0, db0] = await start!;
  const cpuMicrosPerOp = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / r.requests;
  const dbCpuMicrosPerOp = db0 === null || db1 === null ? null : (db1 - db0) / r.requests;
  const [load1] = os.loadavg();
  console.log(
    `${server.scale.padEnd(5)} ${work.name.padEnd(16)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
      `${cpuMicrosPerOp.toFixed(0)} µs server CPU/op${dbCpuMicrosPerOp === null ? '' : `, ${dbCpuMicrosPerOp.toFixed(0)} µs database CPU/op`}  ` +
      `(${r.requests} measured; ${r.non2xx} non-2xx, ${r.badBodies} bad bodies, ${r.errors} socket errors; load ${load1!.toFixed(1)})`,
  );
  return { ...r, cpuMicrosPerOp, dbCpuMicrosPerOp };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function databaseFacts(url: string): Promise<{ bytes: number; products: number; listings: number; version: string }> {
  const [facts] = await query<{ bytes: number; products: number; listings: number; version: string }>(
    url,
    `SELECT pg_database_size(current_database())::float8 AS bytes, (SELECT count(*) FROM product)::int AS products,
            (SELECT count(*) FROM listing)::int AS listings, current_setting('server_version') AS version`,
  );
  return facts!;
}

async function main(): Promise<void> {
  // One server at a time (a shared PostgreSQL has connections for few pools), each round the scales in turn,
  // the order reversed every other round; the database and memory facts come from each scale's last run.
  const results = new Map<string, Measured[]>();
  const seededNotes = new Map<SeedScale, string>();
  const last = new Map<SeedScale, { server: Server; facts: Awaited<ReturnType<typeof databaseFacts>>; memory: NodeJS.MemoryUsage }>();
  for (let round = 0; round < rounds; round++) {
    for (const scale of round % 2 ? [...scales].reverse() : scales) {
      const server = await startServer(scale, scales.indexOf(scale));
      const { seeded } = server.child.info;
      if (seeded.products) seededNotes.set(scale, `seeded in ${(seeded.ms / 1000).toFixed(0)} s (VACUUM ANALYZE included)`);
      try {
        for (const work of server.work) {
          const key = `${scale}/${work.name}`;
          results.set(key, [...(results.get(key) ?? []), await measure(server, work)]);
        }
        last.set(scale, { server, facts: await databaseFacts(server.child.info.databaseUrl), memory: await server.child.call<NodeJS.MemoryUsage>('memory') });
      } finally {
        await server.child.stop();
      }
    }
  }
  {
    const servers = scales.map((scale) => last.get(scale)!.server);
    const facts = scales.map((scale) => ({ ...last.get(scale)!.facts, memory: last.get(scale)!.memory }));
    const [load1, load5] = os.loadavg();
    const base = servers[0]!.scale;
    const others = servers.slice(1).map((s) => s.scale);
    const of = (scale: SeedScale, name: string, pick: (m: Measured) => number) => median(results.get(`${scale}/${name}`)!.map(pick));
    const rows: string[][] = [];
    for (const { name } of servers[0]!.work) {
      // The verdict on req/s, and on the CPU a request costs the app and the database together: on a shared
      // machine the first is noise as much as speed; when the machine is the limit, req/s follows the second.
      const metric = (label: string, pick: (m: Measured) => number, format: (v: number) => string, target?: (ratio: number) => boolean) => {
        const ratios = others.map((o) => of(o, name, pick) / of(base, name, pick));
        rows.push([
          name,
          label,
          ...servers.map((s) => format(of(s.scale, name, pick))),
          ...ratios.map((r) => `${r.toFixed(2)}x`),
          target ? (ratios.every(target) ? 'met' : '**missed**') : '',
        ]);
      };
      metric('req/s', (m) => m.rps, (v) => v.toFixed(0), (r) => r >= TARGET);
      metric('p50 ms', (m) => m.p50, (v) => v.toFixed(1));
      metric('p99 ms', (m) => m.p99, (v) => v.toFixed(1));
      metric('server CPU µs/req', (m) => m.cpuMicrosPerOp, (v) => v.toFixed(0));
      metric('database CPU µs/req', (m) => m.dbCpuMicrosPerOp ?? NaN, (v) => v.toFixed(0));
      metric('server + database CPU µs/req', (m) => m.cpuMicrosPerOp + (m.dbCpuMicrosPerOp ?? NaN), (v) => v.toFixed(0), (r) => r <= 1 / TARGET);
    }
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    const header = ['workload', 'measure', ...servers.map((s) => s.scale), ...others.map((o) => `${o}/${base}`), `target: req/s >= ${TARGET * 100}% of ${base}'s, CPU/req <= ${(1 / TARGET).toFixed(2)}x`];
    const factRows = servers.map((s, i) => {
      const f = facts[i]!;
      const seeded = seededNotes.get(s.scale) ?? 'reused';
      return line([s.scale, f.products.toLocaleString('en'), f.listings.toLocaleString('en'), mb(f.bytes), mb(f.memory.rss), mb(f.memory.heapUsed), seeded]);
    });
    const bad = [...results.values()].flat().reduce((n, m) => n + m.non2xx + m.badBodies + m.errors, 0);
    const section = [
      '<!-- growth -->',
      '## Speed: growth with the catalog (bench 5k, large 100k, xl 1M products)',
      '',
      `Command: \`npm run bench:growth -- --scales ${args.scales} --seconds ${seconds} --warmup ${warmupSeconds} --connections ${connections} --rounds ${rounds}` +
        `${args.workloads ? ` --workloads '${args.workloads}'` : ''}${args['search-exact-limit'] ? ` --search-exact-limit ${args['search-exact-limit']}` : ''}\` ` +
        `(${serverUrl ? "DATABASE_URL's server" : 'embedded PostgreSQL'} ${facts[0]!.version}; one app process per scale, one at a time, ${connections} autocannon connections, ` +
        `${warmupSeconds} s warm-up + ${seconds} s measured per cell, ${rounds} rounds with the scales taking turns; medians of the rounds).`,
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} (1 / 5 min) at the end, ${new Date().toISOString()}: shared with other work.`,
      'Workloads: CATALOG and PRODUCT (bench/queries.ts; PRODUCT rotates over 2,000 products spread over the catalog); listing page: `products(first: 20)` rotating ' +
        '{ category `moda` (a root: its sub-categories), inStock, price 20–100 € } by PRICE_ASC, { category `auriculares`, inStock } by PRICE_DESC, { priceMax 30 € } by NEWEST; ' +
        `search + facets: \`search(first: 20)\` with totalCount and every facet, rotating ${SEARCH_WORDS.map((w) => `\`${w}\``).join(', ')}.`,
      '',
      line(header),
      line(header.map(() => '---')),
      ...rows.map(line),
      '',
      line(['scale', 'products', 'listings', 'database size', 'server RSS after the run', 'server heap used after the run', 'seed']),
      line(['---', '---', '---', '---', '---', '---', '---']),
      ...factRows,
      '',
      `Non-2xx responses, bodies with errors or without data, socket errors (all cells, warm-ups included): ${bad}.`,
      '<!-- /growth -->',
    ].join('\n');
    publishSection('growth', section, !args['no-write']);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
