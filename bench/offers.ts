import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, dropDatabase, ensureDatabase } from '../src/db/databases';
import { startChild } from './child-process';
import { SERVER_NODE_FLAGS } from '../src/node-flags';
import { goodGraphql, load } from './load';
import type { OffersClientsOptions } from './offers-clients';
import type { OffersServerInfo, OffersServerOptions } from './offers-server';
import { writeMarkedSection } from './report';

const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    targeted: { type: 'string', default: '50' },
    'no-write': { type: 'boolean', default: false },
    /** The storefront's HTTP requests per second during the first storm (the second saturates). */
    'probe-rate': { type: 'string', default: '200' },
  },
});
const N = Number(args.subscribers);
const PROBE_RATE = Number(args['probe-rate']);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
type Memory = { rss: number; heapUsed: number; external: number; arrayBuffers: number };
const held = (m: Memory) => m.heapUsed + m.external;

/**
 * Issue 16: the offers subscription under 10,000 graphql-ws subscribers (server and clients in separate
 * processes): fan-out of one offer to each, targeted delivery to one among all, reconnect storms with
 * cursors while HTTP keeps answering (paced, then saturating). Needs DATABASE_URL (a PostgreSQL server; the run uses a database of its own).
 */
async function main(): Promise<void> {
  const server0 = process.env['DATABASE_URL'];
  if (!server0) throw new Error('set DATABASE_URL to a PostgreSQL server');
  const name = 'zoco_bench_offers';
  await dropDatabase(server0, name).catch(() => undefined);
  await ensureDatabase(server0, name);
  const server = await startChild<OffersServerInfo>(
    'offers-server.js',
    { databaseUrl: databaseUrl(server0, name), dataDir: await mkdtemp(path.join(os.tmpdir(), 'zoco-bench-offers-')), customers: N } satisfies OffersServerOptions,
    [...SERVER_NODE_FLAGS, '--expose-gc', '--max-old-space-size=4096'],
  );
  const clients = await startChild<object>('offers-clients.js', { wsUrl: server.info.wsUrl } satisfies OffersClientsOptions, ['--max-old-space-size=4096']);
  await clients.call('tokens', server.info.tokens);
  const lines: string[] = [];
  const log = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  /** The server's CPU time since `since` per subscriber: steadier than wall-clock times on a shared machine. */
  const serverCpu = async () => {
    const { user, system } = await server.call<NodeJS.CpuUsage>('cpu');
    return user + system;
  };
  const cpuOf = async (since: number) => `server CPU ${(((await serverCpu()) - since) / N).toFixed(0)} µs per subscriber`;
  /** With OFFERS_PROFILE_DIR set, the server's CPU profile of each measured phase is written there (`<phase>.cpuprofile`). */
  const profileDir = process.env['OFFERS_PROFILE_DIR'];
  const profiled = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
    if (profileDir) await server.call('profileStart');
    try {
      return await run();
    } finally {
      if (profileDir) await server.call('profileStop', path.join(profileDir, `${phase}.cpuprofile`));
    }
  };
  try {
    const before = await server.call<Memory>('memory');
    let cpu = await serverCpu();
    const connectSeconds = await clients.call<number>('connect');
    const connectCpu = await cpuOf(cpu);
    const idle = await server.call<Memory>('memory');
    clients.call('subscribe');
    for (let i = 0; i < 600 && (await server.call<number>('routes')) < N; i++) await new Promise((r) => setTimeout(r, 200));
    const subscribed = await server.call<Memory>('memory');
    log(`| idle connection (heap + external, after GC) | ${kb((held(idle) - held(before)) / N)} | < 30 KB | RSS ${kb((idle.rss - before.rss) / N)}; ${N} sockets opened in ${connectSeconds.toFixed(1)} s, ${connectCpu} |`);
    log(`| subscription on top of its connection | ${kb((held(subscribed) - held(idle)) / N)} | | ${await server.call<number>('routes')} customer routes |`);

    cpu = await serverCpu();
    const { fanStarted, fanCommitted, fan } = await profiled('fan-out', async () => {
      const { started, committed } = await server.call<{ started: number; committed: number }>('fanOut');
      return { fanStarted: started, fanCommitted: committed, fan: await clients.call<{ arrivals: (number | null)[]; errors: number; duplicates: number }>('offers', { count: 1, timeoutMs: 120_000 }) };
    });
    const fanCpu = await cpuOf(cpu);
    const got = fan.arrivals.filter((a): a is number => a !== null);
    const fanStats = stats(got.map((a) => a - fanStarted));
    const afterCommit = stats(got.map((a) => Math.max(0, a - fanCommitted)));
    log(`| fan-out: one offer to each of ${N}, from the start of making them (p50 / p99 / max) | ${fanStats.p50} / ${fanStats.p99} / ${fanStats.max} ms | all < 2 s, p99 < 1.5 s | ${got.length}/${N} delivered, ${fan.duplicates} duplicates, ${fan.errors} errors; making them took ${fanCommitted - fanStarted} ms; ${fanCpu} |`);
    log(`| fan-out: the same, from the last commit (0 = already there) | ${afterCommit.p50} / ${afterCommit.p99} / ${afterCommit.max} ms | | |`);

    // Reconnect storms: every socket drops, one offer each is made meanwhile, all come back at once with their
    // cursors, while a storefront's traffic goes on: paced at PROBE_RATE requests/s (a busy shop's HTTP beside
    // the storm), then as fast as 10 connections are answered (a saturating load that takes the same core).
    const storm = async (count: number, rate: number | undefined) => {
      await clients.call('disconnect');
      await server.call('fanOut');
      const probe = load({
        url: server.info.url,
        connections: 10,
        seconds: 10,
        warmupSeconds: 0,
        rate,
        body: JSON.stringify({ query: '{ products(first: 5) { nodes { id title } } }' }),
        verify: goodGraphql(/"products"/),
      });
      cpu = await serverCpu();
      const { stormStarted, replays } = await profiled(rate ? 'storm-paced' : 'storm', async () => {
        const started = await clients.call<number>('reconnect');
        return { stormStarted: started, replays: await clients.call<{ arrivals: (number | null)[]; errors: number; duplicates: number; closes: Record<string, number> }>('offers', { count, timeoutMs: 120_000 }) };
      });
      const stormCpu = await cpuOf(cpu);
      const replayed = replays.arrivals.filter((a): a is number => a !== null);
      const http = await probe;
      const traffic = rate ? `${rate} requests/s over 10 connections` : '10 connections as fast as answered';
      log(`| reconnect storm (HTTP: ${traffic}): ${N} resubscribe with cursors at once, each replays its missed offer | ${((Math.max(...replayed) - stormStarted) / 1000).toFixed(2)} s for all (p50 ${((stats(replayed.map((a) => a - stormStarted)).p50) / 1000).toFixed(2)} s) | < 10 s | ${replayed.length}/${N} replayed, ${replays.duplicates} duplicates, ${replays.errors} errors (close codes ${JSON.stringify(replays.closes)}); ${stormCpu} (HTTP included) |`);
      log(`| HTTP \`products(first: 5)\` during that storm (${traffic}, 10 s) | p99 ${http.p99.toFixed(0)} ms, p50 ${http.p50.toFixed(0)} ms | p99 < 250 ms | ${http.requests} requests, ${http.non2xx} non-2xx |`);
    };
    await storm(2, PROBE_RATE);
    await storm(3, undefined);

    const latencies: number[] = [];
    const counts = new Map<number, number>();
    for (let i = 0; i < Number(args.targeted); i++) {
      const index = (i * 7919) % N;
      const count = (counts.get(index) ?? 3) + 1;
      counts.set(index, count);
      const arrival = clients.call<number | null>('offerOf', { index, count });
      const started = await server.call<number>('targeted', index);
      const at = await arrival;
      if (at !== null) latencies.push(at - started);
    }
    const t = stats(latencies);
    log(`| targeted: one offer to one customer with ${N} subscribed (commit + dispatch + delivery) | p50 ${t.p50} / p99 ${t.p99} / max ${t.max} ms | p99 < 20 ms | ${latencies.length}/${args.targeted} delivered |`);
  } finally {
    await clients.stop();
    await server.stop();
    await dropDatabase(server0, name).catch(() => undefined);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  // The kernel caps the server's listen backlog (8,192) at this: past it, a storm's connections wait for SYN retries (1, 3, 7 s…).
  const somaxconn = (() => {
    try {
      return readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim();
    } catch {
      return 'unknown';
    }
  })();
  const section = [
    '<!-- offers-bench -->',
    '## Issue 16: the offers subscription',
    '',
    `Command: \`DATABASE_URL=… npm run bench:offers -- --subscribers ${N} --probe-rate ${PROBE_RATE}\` (server and graphql-ws clients in separate processes, one PostgreSQL on the same machine, memory pubsub; the HTTP traffic comes from the bench's own process, autocannon).`,
    `Machine: ${os.cpus().length} × ${cpu}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end, ${new Date().toISOString().slice(0, 16)}Z, net.core.somaxconn ${somaxconn}.`,
    '',
    '| measure | result | target | notes |',
    '|---|---|---|---|',
    ...lines,
    '<!-- /offers-bench -->',
  ].join('\n');
  if (!args['no-write']) writeMarkedSection(path.join(ROOT, 'bench/RESULTS.md'), 'offers-bench', section);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
