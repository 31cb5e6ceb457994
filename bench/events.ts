import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChild } from './child-process';
import type { EventsServerInfo, EventsServerOptions } from './events-server';
import { writeMarkedSection } from './report';

/**
 * Issue 10: touchpoint ingestion. `clients` closed loops each send eventsTrack batches of 50 (random
 * shoppers, random listings, a mix of types, unique client ids) for `seconds`; the sustained rate is
 * accepted events per second. Meanwhile a probe loop sends one event with a distinctive time and polls
 * `viewer { traits { lastSeenAt } }` until it shows it: the delay until a trait reflects an event.
 */
const ROOT = path.resolve(__dirname, '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    clients: { type: 'string', default: '32' },
    customers: { type: 'string', default: '2000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const clients = Number(args.clients);
const BATCH = 50;
const TYPES = ['PRODUCT_VIEWED', 'PRODUCT_VIEWED', 'PRODUCT_VIEWED', 'PRODUCT_LIKED', 'LISTING_ADDED_TO_CART', 'PRODUCT_SHARED'];
const CHANNELS = ['WEB', 'MOBILE', 'STORE'];
const TRACK = 'mutation ($input: EventsTrackInput!) { eventsTrack(input: $input) { accepted duplicates userErrors { code } } }';
const TRAITS = '{ viewer { traits { lastSeenAt { value } } } }';

async function gql(url: string, token: string, query: string, variables: object = {}): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const dataDir = path.join(ROOT, 'bench/.data-events');
  rmSync(dataDir, { recursive: true, force: true });
  const server = await startChild<EventsServerInfo>('events-server.js', {
    dataDir,
    embeddedPgPort: 54344,
    ...(process.env['BENCH_DATABASE_URL'] ? { databaseUrl: process.env['BENCH_DATABASE_URL'] } : {}),
    customers: Number(args.customers),
    consenting: 0.8,
  } satisfies EventsServerOptions);
  const { url, tokens, consenting, listingIds } = server.info;
  const load0 = os.loadavg()[0]!.toFixed(1);
  try {
    let accepted = 0;
    let batches = 0;
    let failed = 0;
    let seq = 0;
    const latencies: number[] = [];
    const delays: number[] = [];
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    const deadline = Date.now() + seconds * 1000;
    const loops = Array.from({ length: clients }, async (_, c) => {
      while (Date.now() < deadline) {
        const token = pick(tokens);
        const now = Date.now();
        const events = Array.from({ length: BATCH }, (_, i) => ({
          id: `c${c}-${seq++}`,
          type: pick(TYPES),
          channel: pick(CHANNELS),
          occurredAt: new Date(now - i * 1000).toISOString(),
          listingId: pick(listingIds),
        }));
        const started = performance.now();
        try {
          const data = await gql(url, token, TRACK, { input: { events } });
          accepted += data.eventsTrack.accepted;
          batches++;
          latencies.push(performance.now() - started);
        } catch {
          failed++;
        }
      }
    });
    const consentingTokens = tokens.filter((_, i) => consenting[i]);
    const probe = (async () => {
      let n = 0;
      while (Date.now() < deadline) {
        const token = pick(consentingTokens);
        // A time no other event of this shopper has: a minute ahead (within the accepted clock skew), unique per probe.
        const marker = new Date(Date.now() + 60_000 + (n++ % 1000)).toISOString();
        const sent = performance.now();
        await gql(url, token, TRACK, { input: { events: [{ type: 'PRODUCT_VIEWED', channel: 'WEB', occurredAt: marker, listingId: pick(listingIds) }] } });
        for (;;) {
          const data = await gql(url, token, TRAITS);
          if (data.viewer.traits?.lastSeenAt.value >= marker) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        delays.push(performance.now() - sent);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.all([...loops, probe]);
    const load1 = os.loadavg()[0]!.toFixed(1);
    const stored = await server.call<{ events: number; counted: number; traits: number }>('stored');
    latencies.sort((a, b) => a - b);
    delays.sort((a, b) => a - b);
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const section = [
      '<!-- events-bench -->',
      '## Issue 10: touchpoint ingestion and trait delay',
      '',
      `Command: \`npm run bench:events\` (${seconds} s, ${clients} concurrent clients in closed loops sending eventsTrack batches of ${BATCH} for random shoppers among ${tokens.length} (80% with the personalization consent, the rest counted anonymously), random listings of the small demo marketplace, embedded PostgreSQL, app and database in one process tree).`,
      `Machine: ${os.cpus().length} × ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; load average ${load0} at the start, ${load1} at the end (the machine is shared with other engineers' test runs this session: expect noise).`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| events accepted | ${accepted} in ${batches} batches (${failed} failed requests) |`,
      `| sustained ingestion | **${(accepted / seconds).toFixed(0)} events/s** (${(batches / seconds).toFixed(1)} batches/s) |`,
      `| eventsTrack latency p50 / p99 | ${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms |`,
      `| delay until the trait reflects an event, p50 / p99 (${delays.length} probes) | ${percentile(delays, 50).toFixed(1)} / **${percentile(delays, 99).toFixed(1)} ms** |`,
      `| stored afterwards | ${stored.events} individual events, ${stored.counted} per-product counts, ${stored.traits} trait rows |`,
      '',
      'Traits are updated in the batch\'s own transaction, so the delay is one eventsTrack plus one traits query under load.',
      '<!-- /events-bench -->',
    ].join('\n');
    console.log(section);
    if (!args['no-write']) writeMarkedSection(path.join(ROOT, 'bench/RESULTS.md'), 'events-bench', section);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
