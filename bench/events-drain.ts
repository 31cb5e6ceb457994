import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { insertCustomers } from '../src/plugin-testing/bulk-customers';
import { toGlobalId } from '../src/core/global-id';
import { seedDatabase } from '../src/seed/seed';
import { processesCpuMicros } from './database-cpu';
import { openScratchApp } from './scratch-app';
import { gql } from './graphql-client';

/**
 * Issue 14: what a purchase's events cost after commit. `purchases` 3-seller cart + checkouts are made with the
 * outbox dispatch held back (no kick, no poll), then it is released and the drain measured until the outbox is
 * empty: app CPU (process.cpuUsage: the dispatcher and its handlers only, no request runs meanwhile), database
 * CPU (the backends of the run's database, /proc), rounds, and with a server that preloads pg_stat_statements
 * its statements per purchase. One process: the purchases go through HTTP to the app in this process, but only
 * the drain is measured. DATABASE_URL: the server (the run makes and drops its own database there).
 */
const { values: args } = parseArgs({
  options: {
    purchases: { type: 'string', default: '200' },
    /** The buyers grant the personalization consent (as the checkout bench's promotions phases): traits, touchpoint.recorded. */
    consent: { type: 'boolean', default: false },
    database: { type: 'string', default: 'zoco_bench_events_drain' },
    /** Writes a V8 CPU profile of the drain to this file and prints its heaviest functions. */
    'cpu-prof': { type: 'string' },
    'pg-stat': { type: 'boolean', default: false },
    buyers: { type: 'string', default: '20' },
  },
});
const purchases = Number(args.purchases);

const MADRID = { name: 'Bench buyer', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' };
const CART = `mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } userErrors { code message } } }`;
const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { id } userErrors { code message } } }`;


interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self and total sample time by function (name and file), from a V8 CPU profile. */
function profileSummary(profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] }, purchases: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    self.set(key(n), (self.get(key(n)) ?? 0) + hits);
    const seen = new Set<string>();
    for (let at: number | undefined = n.id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + hits);
      seen.add(k);
    }
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`CPU profile of the drain: ${profile.samples.length} samples, ${(perSample * 1000).toFixed(0)} µs each; per purchase ms (self)`);
  for (const [k, hits] of top(self, 30)) console.log(`  ${((hits * perSample) / purchases).toFixed(3).padStart(7)}  ${k}`);
  console.log('total (inclusive), per purchase ms:');
  for (const [k, hits] of top(total, 60)) console.log(`  ${((hits * perSample) / purchases).toFixed(3).padStart(7)}  ${k}`);
}

async function main(): Promise<void> {
  // No poll: the outbox is dispatched only when the drain releases it.
  const { app, close } = await openScratchApp(args.database, { eventPollIntervalMs: 3_600_000 });
  const db = app.dataSource;
  const events = app.services.events;
  const kick = events.kick.bind(events);
  try {
    await seedDatabase(db, 'small');
    const hot: { id: string; sellerId: string }[] = await db.query(
      `SELECT id, seller_id AS "sellerId" FROM (
         SELECT l.id, l.seller_id, row_number() OVER (PARTITION BY l.seller_id ORDER BY l.id) AS n
           FROM listing l JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id
          WHERE s.status = 'active' AND p.status = 'active' AND l.status = 'active') x
        WHERE n <= 20`,
    );
    await db.query('UPDATE listing SET stock = 1000000 WHERE id = ANY($1)', [hot.map((h) => h.id)]);
    const buyers = await insertCustomers(app, Number(args.buyers));
    if (args.consent) {
      await db.query(
        `INSERT INTO customer_consent (customer_id, kind, granted, source) SELECT id, 'personalization', true, 'bench' FROM unnest($1::uuid[]) id
         ON CONFLICT (customer_id, kind) DO UPDATE SET granted = true`,
        [buyers.map((b) => b.uuid)],
      );
    }
    const bySeller = new Map<string, string[]>();
    for (const h of hot) bySeller.set(h.sellerId, [...(bySeller.get(h.sellerId) ?? []), toGlobalId('Listing', h.id)]);
    const listingsBySeller = [...bySeller.values()];
    const purchase = async (buyer: number, i: number) => {
      const lines = [0, 1, 2].map((k) => {
        const seller = listingsBySeller[(buyer + i + k * 3) % listingsBySeller.length]!;
        return { listingId: seller[(buyer + i) % seller.length]!, quantity: 1 };
      });
      const token = buyers[buyer]!.token;
      const cart = await gql(app.url, token, CART, { input: { lines } });
      if (cart.cartCreate.userErrors.length) throw new Error(cart.cartCreate.userErrors[0].code);
      const done = await gql(app.url, token, CHECKOUT, {
        input: { cartId: cart.cartCreate.cart.id, paymentToken: 'tok_visa', idempotencyKey: randomUUID(), shippingAddress: MADRID },
      });
      if (done.checkoutComplete.userErrors.length) throw new Error(done.checkoutComplete.userErrors[0].code);
    };
    const buy = async (n: number) => {
      let next = 0;
      await Promise.all(
        buyers.map(async (_, buyer) => {
          for (let i = next++; i < n; i = next++) await purchase(buyer, i);
        }),
      );
    };
    // Warm-up with dispatch on (JIT, plans, non-empty tables), then statistics as a live database has them.
    await buy(Math.min(100, purchases));
    await events.drain();
    await db.query('ANALYZE');
    await events.drain();

    const backends = async () => {
      const rows: { pid: string }[] = await db.query('SELECT pid::text FROM pg_stat_activity WHERE datname = current_database()');
      return processesCpuMicros(rows.map((r) => r.pid)) ?? new Map<string, number>();
    };
    // App and database CPU (µs) of `run`: the database's as the backends of this database (new ones from 0).
    const measure = async (run: () => Promise<void>) => {
      const db0 = await backends();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const db1 = await backends();
      let dbUs = 0;
      for (const [pid, us] of db1) dbUs += us - (db0.get(pid) ?? 0);
      return { appUs: cpu.user + cpu.system, dbUs, wall };
    };
    const drainAll = async () => {
      for (;;) {
        await events.drain();
        const [{ left }] = await db.query(`SELECT count(*)::int AS left FROM outbox WHERE dispatched_at IS NULL AND attempts < 10`);
        if (!left) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const per = (us: number) => (us / 1000 / purchases).toFixed(2);
    const pgStatReset = async () => {
      if (!args['pg-stat']) return false;
      try {
        await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
        await db.query('SELECT pg_stat_statements_reset(), pg_stat_reset()');
        return true;
      } catch (err) {
        console.log(`no pg_stat_statements: ${(err as Error).message}`);
        return false;
      }
    };
    const printPgStat = async (name: string) => {
      const rows: { toplevel: boolean; calls: number; execMs: number; planMs: number; rows: number; query: string }[] = await db.query(
        `SELECT toplevel, calls::int, total_exec_time AS "execMs", total_plan_time AS "planMs", rows::int, regexp_replace(query, '[[:space:]]+', ' ', 'g') AS query
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time + total_plan_time DESC`,
      );
      const p = (n: number) => n / purchases;
      const top = rows.filter((r) => r.toplevel);
      console.log(
        `pg_stat_statements, ${name}, per purchase: top-level calls ${p(top.reduce((s, r) => s + r.calls, 0)).toFixed(1)}, execution ${p(top.reduce((s, r) => s + r.execMs, 0)).toFixed(3)} ms, planning ${p(top.reduce((s, r) => s + r.planMs, 0)).toFixed(3)} ms`,
      );
      console.log('  T/N    exec ms  plan ms   calls   rows  (per purchase)');
      for (const r of rows.slice(0, 50)) {
        console.log(
          `  ${r.toplevel ? 'T' : 'N'} ${p(r.execMs).toFixed(3).padStart(8)} ${p(r.planMs).toFixed(3).padStart(8)} ${p(r.calls).toFixed(2).padStart(7)} ${p(r.rows).toFixed(1).padStart(6)}  ${r.query.slice(0, 190)}`,
        );
      }
    };

    // 1. The purchases alone, dispatch held back.
    events.kick = () => {};
    const held = await measure(() => buy(purchases));
    const [{ pending }] = await db.query(`SELECT count(*)::int AS pending FROM outbox WHERE dispatched_at IS NULL`);
    const byType: { type: string; n: number }[] = await db.query(
      `SELECT type, count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL GROUP BY type ORDER BY 2 DESC`,
    );
    // 2. Their events in one drain (rounds of up to 500).
    const heldStat = await pgStatReset();
    const session = new Session();
    const post = (method: string, params: object = {}) =>
      new Promise<any>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
    if (args['cpu-prof']) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
    }
    events.kick = kick;
    const drained = await measure(drainAll);
    if (args['cpu-prof']) {
      const { profile } = await post('Profiler.stop');
      writeFileSync(`${args['cpu-prof']}-drain.cpuprofile`, JSON.stringify(profile));
      profileSummary(profile, purchases);
    }
    if (heldStat) await printPgStat('the drain of held events');
    console.log(
      `${purchases} purchases (3-seller cart + checkout, consent ${args.consent ? 'on' : 'off'}, ${buyers.length} buyers), ${pending} outbox events held (${byType.map((t) => `${t.type} ${t.n}`).join(', ')}). ` +
        `Purchases with dispatch held: app ${per(held.appUs)} ms, database ${per(held.dbUs)} ms per purchase. ` +
        `Their events in one drain (${drained.wall.toFixed(0)} ms): app ${per(drained.appUs)} ms, database ${per(drained.dbUs)} ms per purchase.`,
    );
    // 3. The same purchases with dispatch live (woken after each commit, as in the checkout bench), until drained.
    const liveStat = await pgStatReset();
    if (args['cpu-prof']) await post('Profiler.start');
    const live = await measure(async () => {
      await buy(purchases);
      await drainAll();
    });
    if (args['cpu-prof']) {
      const { profile } = await post('Profiler.stop');
      writeFileSync(`${args['cpu-prof']}-live.cpuprofile`, JSON.stringify(profile));
      profileSummary(profile, purchases);
      await post('Profiler.start');
    }
    if (liveStat) await printPgStat('purchases with dispatch live, until drained');
    console.log(
      `Purchases with dispatch live, until drained: app ${per(live.appUs)} ms, database ${per(live.dbUs)} ms per purchase; ` +
        `minus the held purchases': events' cost live ≈ app ${per(live.appUs - held.appUs)} ms, database ${per(live.dbUs - held.dbUs)} ms per purchase ` +
        `(batched in one drain: app ${per(drained.appUs)}, database ${per(drained.dbUs)}). Load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
    );
    // 4. One purchase at a time (a quiet shop, the checkout bench's probes): each one's events drained alone, in their own round(s).
    const alone = Math.min(100, purchases);
    const aloneStat = await pgStatReset();
    const aloneWith = await measure(async () => {
      for (let i = 0; i < alone; i++) {
        events.kick = () => {};
        await purchase(i % buyers.length, i);
        events.kick = kick;
        await drainAll();
      }
    });
    if (args['cpu-prof']) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      writeFileSync(`${args['cpu-prof']}-alone.cpuprofile`, JSON.stringify(profile));
      console.log('(the profile below: purchases one at a time with their drains, both)');
      profileSummary(profile, alone);
    }
    events.kick = () => {};
    const aloneWithout = await measure(async () => {
      for (let i = 0; i < alone; i++) await purchase(i % buyers.length, i + alone);
    });
    events.kick = kick;
    await drainAll();
    const aloneApp = aloneWith.appUs - aloneWithout.appUs;
    const aloneDb = aloneWith.dbUs - aloneWithout.dbUs;
    if (aloneStat) {
      const rows: { calls: number; execMs: number; query: string }[] = await db.query(
        `SELECT calls::int, total_exec_time AS "execMs", regexp_replace(query, '[[:space:]]+', ' ', 'g') AS query
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel
          ORDER BY calls DESC`,
      );
      console.log(`pg_stat_statements, purchases one at a time, both loops (purchase statements twice, events once), calls and exec ms per purchase:`);
      for (const r of rows.slice(0, 45)) console.log(`  ${(r.calls / alone).toFixed(2).padStart(6)} ${(r.execMs / alone).toFixed(3).padStart(7)} ms  ${r.query.slice(0, 170)}`);
    }
    console.log(
      `One purchase at a time (${alone}), each one's events drained before the next, minus the same purchases without their drain: app ${(aloneApp / 1000 / alone).toFixed(2)} ms, database ${(aloneDb / 1000 / alone).toFixed(2)} ms per purchase.`,
    );
  } finally {
    events.kick = kick;
    await close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
