import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, ensureDatabase } from '../src/db/databases';
import { startChild, type Child } from './child-process';
import { CATALOG, PRODUCT, graphqlBody } from './queries';
import { loadAverage } from './report';
import type { ZocoServerInfo, ZocoServerOptions } from './zoco-server';

/**
 * Two builds of zoco side by side, for a change's before/after on a shared, noisy machine: this build (A) and
 * another one's `dist` (B, `--base <its root>`, e.g. a `git archive` of main, built), each in its own child on the
 * same seeded database, loaded at the same time by closed-loop clients that alternate between them, so the
 * machine's noise hits both. Per window: server CPU per request of each (process.cpuUsage()), and in the first
 * window the KB each allocated per request (V8's sampling heap profiler). Checks first that both answer the same.
 *
 *   DATABASE_URL=... node dist/bench/catalog-ab.js --base /tmp/main-copy --database zoco_bench_ab [--query product]
 */
const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    database: { type: 'string', default: 'zoco_bench_ab' },
    query: { type: 'string', default: 'catalog' },
    windows: { type: 'string', default: '4' },
    requests: { type: 'string', default: '500' },
    clients: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '300' },
    // A CPU profile of each server's second window, in /tmp/catalog-ab-{A,B}.cpuprofile.
    'cpu-prof': { type: 'boolean', default: false },
    // Instead of the windows: `clients` clients per server, each loading only its server, for this many seconds;
    // then each server's responses, p50 and p99 (an A/B of throughput and latency, both under the same noise).
    split: { type: 'string' },
  },
});

async function post(url: string, body: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

type Server = Child<ZocoServerInfo>;

/** `requests` requests to each server, `clients` at a time, each client alternating between them. */
async function drive(servers: Server[], requests: number, body: () => string): Promise<void> {
  let left = requests * servers.length;
  const client = async (i: number) => {
    for (let turn = i; left > 0; turn++) {
      left--;
      await post(servers[turn % servers.length]!.info.url, body());
    }
  };
  await Promise.all(Array.from({ length: Number(args.clients) }, (_, i) => client(i)));
}

/** Each server loaded by its own `clients` for `seconds`: responses per second, p50, p99 and CPU per request of each. */
async function split(servers: Server[], seconds: number, body: () => string): Promise<void> {
  const before = await Promise.all(servers.map((s) => s.call<NodeJS.CpuUsage>('cpu')));
  const until = Date.now() + seconds * 1000;
  const latencies = await Promise.all(
    servers.map(async (server) => {
      const ms: number[] = [];
      const client = async () => {
        while (Date.now() < until) {
          const started = performance.now();
          await post(server.info.url, body());
          ms.push(performance.now() - started);
        }
      };
      await Promise.all(Array.from({ length: Number(args.clients) }, client));
      return ms.sort((x, y) => x - y);
    }),
  );
  const after = await Promise.all(servers.map((s) => s.call<NodeJS.CpuUsage>('cpu')));
  servers.forEach((_, i) => {
    const ms = latencies[i]!;
    const cpu = (after[i]!.user - before[i]!.user + after[i]!.system - before[i]!.system) / ms.length;
    const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(ms.length * p))]!.toFixed(1);
    console.log(`${'AB'[i]}: ${(ms.length / seconds).toFixed(0)} req/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, ${cpu.toFixed(0)} µs CPU/request`);
  });
  console.log(`load ${loadAverage()}`);
}

async function main(): Promise<void> {
  const server = process.env['DATABASE_URL'];
  if (!server || !args.base) throw new Error('needs DATABASE_URL and --base <root of the other build>');
  await ensureDatabase(server, args.database);
  const options: ZocoServerOptions = { dataDir: '/tmp/catalog-ab-data', embeddedPgPort: 0, databaseUrl: databaseUrl(server, args.database), seed: 'if-empty' };
  const a = await startChild<ZocoServerInfo>('zoco-server.js', { ...options });
  const otherScript = path.relative(__dirname, path.join(path.resolve(args.base), 'dist/bench/zoco-server.js'));
  const b = await startChild<ZocoServerInfo>(otherScript, { ...options, seed: false });
  const servers = [a, b];
  try {
    const slugs = a.info.productSlugs;
    let next = 0;
    const body = args.query === 'product' ? () => graphqlBody(PRODUCT, { slug: slugs[next++ % slugs.length] }) : () => graphqlBody(CATALOG);
    for (let i = 0; i < 50; i++) {
      const one = body();
      const [x, y] = await Promise.all(servers.map((s) => post(s.info.url, one)));
      if (JSON.stringify(JSON.parse(x!).data) !== JSON.stringify(JSON.parse(y!).data)) throw new Error(`A and B differ on ${one}`);
    }
    console.log(`A (this build) and B (${args.base}) answer the same; load average ${loadAverage()}`);
    await drive(servers, Number(args.warmup), body);
    if (args.split) {
      await split(servers, Number(args.split), body);
      return;
    }
    const requests = Number(args.requests);
    for (let w = 0; w < Number(args.windows); w++) {
      const heap = w === 0;
      const cpuProfile = w === 1 && args['cpu-prof'];
      if (heap) await Promise.all(servers.map((s) => s.call('heapStart')));
      if (cpuProfile) await Promise.all(servers.map((s) => s.call('profileStart')));
      const before = await Promise.all(servers.map((s) => s.call<NodeJS.CpuUsage>('cpu')));
      await drive(servers, requests, body);
      const after = await Promise.all(servers.map((s) => s.call<NodeJS.CpuUsage>('cpu')));
      if (cpuProfile) await Promise.all(servers.map((s, i) => s.call('profileStop', `/tmp/catalog-ab-${'AB'[i]}.cpuprofile`)));
      const kb = heap ? await Promise.all(servers.map((s, i) => s.call<number>('heapStop', `/tmp/catalog-ab-${'AB'[i]}.heapprofile`))) : null;
      const cpu = servers.map((_, i) => (after[i]!.user - before[i]!.user + after[i]!.system - before[i]!.system) / requests);
      console.log(
        `window ${w + 1}: CPU/request A ${cpu[0]!.toFixed(0)} µs, B ${cpu[1]!.toFixed(0)} µs, A/B ${(cpu[0]! / cpu[1]!).toFixed(3)}` +
          (kb ? `; allocated/request A ${(kb[0]! / requests / 1024).toFixed(0)} KB, B ${(kb[1]! / requests / 1024).toFixed(0)} KB` : '') +
          `; load ${loadAverage()}`,
      );
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
