import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startChild, type Child } from './child-process';
import type { CheckoutServerInfo } from './checkout-server';
import type { Phase } from './checkout-phase';
import { median } from './load';
import type { PurchaseBaselineInfo, PurchaseBaselineOptions } from './purchase-baseline-server';

/**
 * The purchase ceiling of issue 14, in bench:checkout's run: the plain-SQL purchase baseline (purchase-baseline-server.ts)
 * on the same database, seed, buyers and hot listings as zoco's phases, measured as they are (closed loops of the same
 * buyers, the same carts), with its events (the same background work after it) and without (the bare purchase).
 */

/** A phase measured (zoco's or the baseline's). CPU per purchase, ms. */
interface Measured {
  result: Phase;
  /** The server's process (the baseline's, or zoco's with its own events' dispatch). */
  serverMs: number;
  /** zoco's process during a baseline phase: its outbox dispatcher delivering the baseline's events (no request reaches it); 0 for zoco. */
  dispatcherMs: number;
  /** The database's processes (null: unreadable). */
  dbMs: number | null;
  /** The load generator (this process). */
  clientMs: number;
  /** Of the outbox events written during the phase, the share the background delivered by its end; null when none were written. */
  delivered: number | null;
  /**
   * Server, dispatcher and database CPU per purchase over the phase and the wait after it until every event is delivered
   * (the phase began with none undelivered): what a purchase costs with all its background work; null when unreadable.
   */
  allMs: number | null;
  /** The waits for the outbox before and after the phase, s (false: gave up after a minute). */
  drains: { ok: boolean; seconds: number }[];
}

/** What bench:checkout's cpuPer measures of one of zoco's phases. */
interface ZocoPhase {
  result: Phase;
  ms: number;
  dbMs: number | null;
  clientMs: number;
  delivered: number;
}

export interface BaselineRun {
  /** The markdown of the comparison, for bench:checkout's section. */
  report(zoco: { statements: { cart: number; checkout: number; buyNow: number } }): string;
}

interface Setup {
  server: Child<CheckoutServerInfo>;
  info: CheckoutServerInfo;
  /** zoco's checkout and buyNow phases with the promotions paused (as the baseline buys), measured by bench:checkout's cpuPer. */
  zocoCheckout: () => Promise<ZocoPhase>;
  zocoBuyNow: () => Promise<ZocoPhase>;
  phase: (one: (buyer: number, i: number) => Promise<string | null>) => Promise<Phase>;
  cartLines: (buyer: number, i: number) => { listingId: string; quantity: number }[];
  address: object;
  /** A folder: V8 CPU profiles of the baseline's measured phases with events go there (bench:checkout --cpu-prof). */
  cpuProfiles: string | null;
}

const progress = (what: string) => console.log(`purchase baseline: ${what} (${new Date().toISOString().slice(11, 19)})`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const cpuMicros = (u: { user: number; system: number }) => u.user + u.system;

export async function baselinePhases({ server, info, zocoCheckout, zocoBuyNow, phase, cartLines, address, cpuProfiles }: Setup): Promise<BaselineRun> {
  const child = await startChild<PurchaseBaselineInfo>('purchase-baseline-server.js', {
    databaseUrl: info.databaseUrl,
    jwtSecret: info.jwtSecret,
    currency: info.currency,
    events: true,
  } satisfies PurchaseBaselineOptions);
  try {
    const post = async (path: string, buyer: number, body: object): Promise<any> => {
      const res = await fetch(`${child.info.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${info.tokens[buyer]}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { error?: string; message?: string };
      if (json.error) throw new Error(json.message ? `${json.error}: ${json.message}` : json.error);
      return json;
    };
    // Idempotency keys tell the sides apart in the rows (checkout-server.ts purchaseShapes): `baseline-`, and `baseline-bare-` without events.
    let keyPrefix = 'baseline-';
    const checkoutOnce = async (buyer: number, i: number) => {
      const { cartId } = await post('/cart', buyer, { lines: cartLines(buyer, i) });
      const done = await post('/checkout', buyer, { cartId, paymentToken: 'tok_visa', idempotencyKey: `${keyPrefix}${randomUUID()}`, shippingAddress: address });
      return done.orderIds.length === 3 ? null : 'NOT_3_ORDERS';
    };
    const all = info.listingsBySeller.flat();
    const buyNowOnce = async (buyer: number, i: number) => {
      await post('/buy-now', buyer, { listingId: all[(buyer * 7 + i + 5) % all.length], idempotencyKey: `${keyPrefix}${randomUUID()}` });
      return null;
    };
    /** Waits (up to a minute) until the outbox's events are all delivered. */
    const drain = async () => {
      const started = performance.now();
      for (;;) {
        const { written, delivered } = await server.call<{ written: number; delivered: number }>('outbox');
        const seconds = (performance.now() - started) / 1000;
        if (delivered >= written || seconds > 60) return { ok: delivered >= written, seconds };
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const readCpu = async () => ({
      outbox: await server.call<{ written: number; delivered: number }>('outbox'),
      base: cpuMicros(await child.call<{ user: number; system: number }>('cpu')),
      zoco: await server.call<number>('cpu'),
      db: await server.call<number | null>('databaseCpu'),
      client: cpuMicros(process.cpuUsage()),
    });
    type Cpu = Awaited<ReturnType<typeof readCpu>>;
    /** Server + dispatcher + database CPU between two readings, per purchase; null when the database's is unreadable. */
    const allCpu = (a: Cpu, b: Cpu, done: number) => (a.db === null || b.db === null ? null : (b.base - a.base + b.zoco - a.zoco + b.db - a.db) / 1000 / Math.max(1, done));

    /** A phase of the baseline's after the outbox is drained, and (events on) the drain after it, for the CPU with all its events delivered. */
    const measure = async (one: (buyer: number, i: number) => Promise<string | null>, profile?: string): Promise<Measured> => {
      const drains = [await drain()];
      if (profile && cpuProfiles) await child.call('profileStart');
      const before = await readCpu();
      const result = await phase(one);
      const after = await readCpu();
      if (profile && cpuProfiles) await child.call('profileStop', path.join(cpuProfiles, `purchase-baseline-${profile}.cpuprofile`));
      drains.push(await drain());
      const drained = await readCpu();
      const per = (us: number) => us / 1000 / Math.max(1, result.done);
      return {
        result,
        serverMs: per(after.base - before.base),
        dispatcherMs: per(after.zoco - before.zoco),
        dbMs: before.db === null || after.db === null ? null : per(after.db - before.db),
        clientMs: per(after.client - before.client),
        delivered: after.outbox.written === before.outbox.written ? null : (after.outbox.delivered - before.outbox.delivered) / (after.outbox.written - before.outbox.written),
        allMs: allCpu(before, drained, result.done),
        drains,
      };
    };
    /** zoco's phase the same way: after the outbox is drained, and the drain after it. */
    const measureZoco = async (run: () => Promise<ZocoPhase>): Promise<Measured> => {
      const drains = [await drain()];
      const before = await readCpu();
      const m = await run();
      drains.push(await drain());
      const drained = await readCpu();
      return { result: m.result, serverMs: m.ms, dispatcherMs: 0, dbMs: m.dbMs, clientMs: m.clientMs, delivered: m.delivered, allMs: allCpu(before, drained, m.result.done), drains };
    };

    await server.call('promotions', false);
    // The tables are ten times bigger than at the bench's ANALYZE after its warm-up (autovacuum is off here; a live
    // database would have analyzed them again): both sides' phases below then plan on statistics of their size.
    await server.call('analyze');
    progress('zoco, promotions paused: checkout');
    const zocoCart = await measureZoco(zocoCheckout);
    progress('zoco, promotions paused: buyNow');
    const zocoBuy = await measureZoco(zocoBuyNow);

    // Round trips per purchase on the baseline's pool (median of 5 sequential purchases; the provider's 2 not counted),
    // and what the server waited for in each (statements and provider calls, summed over the 5) against the request's latency.
    const trips = { cart: [] as number[], checkout: [] as number[], buyNow: [] as number[] };
    const waits = { cart: new Map<string, number>(), checkout: new Map<string, number>(), buyNow: new Map<string, number>() };
    const latency = { cart: 0, checkout: 0, buyNow: 0 };
    const PROBES = 5;
    await child.call('timings');
    const probe = async (kind: 'cart' | 'checkout' | 'buyNow', run: () => Promise<any>) => {
      const t0 = await child.call<number>('roundTrips');
      const started = performance.now();
      const out = await run();
      latency[kind] += performance.now() - started;
      trips[kind].push((await child.call<number>('roundTrips')) - t0);
      for (const [name, t] of Object.entries(await child.call<Record<string, { ms: number }>>('timings'))) waits[kind].set(name, (waits[kind].get(name) ?? 0) + t.ms);
      return out;
    };
    for (let i = 0; i < PROBES; i++) {
      const { cartId } = await probe('cart', () => post('/cart', 0, { lines: cartLines(0, i + 11) }));
      await probe('checkout', () => post('/checkout', 0, { cartId, paymentToken: 'tok_visa', idempotencyKey: `baseline-${randomUUID()}`, shippingAddress: address }));
      await probe('buyNow', () => post('/buy-now', 0, { listingId: all[i], idempotencyKey: `baseline-${randomUUID()}` }));
    }
    const waitLine = (kind: 'cart' | 'checkout' | 'buyNow') => {
      const entries = [...waits[kind]].map(([name, ms]) => `${name.replace(/^baseline-/, '')} ${(ms / PROBES).toFixed(2)}`);
      const waited = [...waits[kind].values()].reduce((n, ms) => n + ms, 0) / PROBES;
      return `${kind} ${(latency[kind] / PROBES).toFixed(2)} ms (${entries.join(', ')}; waited ${waited.toFixed(2)})`;
    };

    // A short warm-up without events (the JIT; no backlog left behind), then each kind with its events, then bare.
    await child.call('events', { events: false });
    keyPrefix = 'baseline-bare-';
    const seconds = (await phase(checkoutOnce)).seconds;
    await child.call('events', { events: true });
    keyPrefix = 'baseline-';
    progress('baseline: checkout');
    const checkout = await measure(checkoutOnce, 'checkout');
    progress('baseline: buyNow');
    const buyNow = await measure(buyNowOnce, 'buyNow');
    // The bare purchase: no outbox events, so no background work follows it.
    await child.call('events', { events: false });
    keyPrefix = 'baseline-bare-';
    progress('baseline: bare checkout and buyNow');
    const bareCheckout = await measure(checkoutOnce);
    const bareBuyNow = await measure(buyNowOnce);
    await child.call('events', { events: true });

    const shapes = await server.call<
      { side: string; cart: boolean; checkouts: number; ordersEach: number; linesEach: number; invoicesEach: number; totalsWrong: number; captured: number }[]
    >('purchaseShapes');
    const events = await server.call<{ side: string; cart: boolean; type: string; events: number; checkouts: number }[]>('purchaseEvents');
    const gaps = await server.call<{ sellers: number; invoices: number; wrong: number }>('invoiceGaps');
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');

    return {
      report(zoco) {
        const rate = (p: Phase) => p.done / seconds;
        const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
        const ratio = (a: number | null, b: number | null) => (a === null || b === null || !b ? 'n/a' : `${(a / b).toFixed(2)}x`);
        const drained = (m: Measured) => m.drains.map((d) => `${d.seconds.toFixed(0)} s${d.ok ? '' : ' (gave up)'}`).join(' / ');
        const row = (name: string, m: Measured, zocoSide: boolean) => {
          const p = m.result;
          return `| ${name} | ${p.done} | ${rate(p).toFixed(1)} | ${percentile(p.latencies, 50).toFixed(1)} | ${percentile(p.latencies, 99).toFixed(1)} | ${p.failed} | ${ms(m.serverMs)} | ${zocoSide ? '(in server)' : ms(m.dispatcherMs)} | ${ms(m.dbMs)} | ${ms(m.clientMs)} | ${m.delivered === null ? '–' : `${(m.delivered * 100).toFixed(0)}%`} | ${ms(m.allMs)} | ${drained(m)} |`;
        };
        const ratioRow = (name: string, z: Measured, b: Measured) =>
          `| ${name} | ${ratio(rate(z.result), rate(b.result))} | ${ratio(percentile(z.result.latencies, 99), percentile(b.result.latencies, 99))} | ${ratio(z.serverMs, b.serverMs + b.dispatcherMs)} | ${ratio(z.dbMs, b.dbMs)} | ${ratio(z.allMs, b.allMs)} |`;
        // What the cores could do at a side's CPU per purchase, all its events delivered (server, dispatcher, database and load generator on them, nothing else).
        const ceiling = (m: Measured) => (m.allMs === null ? 'n/a' : `${((os.cpus().length * 1000) / (m.allMs + m.clientMs)).toFixed(0)}/s`);
        const shapeLines = shapes.map(
          (s) =>
            `${s.side} ${s.cart ? 'cart checkouts' : 'buyNows'}: ${s.checkouts}, ${s.ordersEach.toFixed(2)} orders, ${s.linesEach.toFixed(2)} lines and ${s.invoicesEach.toFixed(2)} matching invoices each, ${s.totalsWrong} with totals that do not add up, ${s.captured} captured after one authorization at the provider`,
        );
        const eventLines = [...new Set(events.map((e) => `${e.side} ${e.cart ? 'cart checkout' : 'buyNow'}`))].map(
          (group) =>
            `${group}: ${events
              .filter((e) => `${e.side} ${e.cart ? 'cart checkout' : 'buyNow'}` === group)
              .map((e) => `${(e.events / Math.max(1, e.checkouts)).toFixed(2)} ${e.type}`)
              .join(', ')}`,
        );
        return [
          '### The purchase ceiling: a plain-SQL baseline in the same run (issue 14)',
          '',
          'The baseline (bench/purchase-baseline-server.ts): node:http, JSON, `pg` with named statements, no GraphQL or ORM, the same purchase with the same rows (test/bench/purchase-baseline.test.ts compares them: stock taken with a check, orders and lines, payment pending → authorized → captured with the test provider\'s own calls, gapless invoices, the same outbox events, cart completed), in the fewest round trips. zoco\'s checkout and buyNow are measured again here with the promotions paused (the baseline implements no discounts), each phase after the outbox is drained, as the baseline\'s. CPU per purchase in ms: "dispatcher" is zoco\'s process delivering the baseline\'s events during its phase (zoco\'s own dispatch is inside its server CPU); "client" the load generator; "delivered" the share of the events written in the phase that were delivered by its end; "all CPU" server + dispatcher + database over the phase and the wait after it until all its events are delivered ("drains": the waits before and after).',
          '',
          '| scenario | completed | per second | p50 ms | p99 ms | failed | server CPU | dispatcher CPU | database CPU | client CPU | delivered | all CPU, events delivered | drains |',
          '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
          row('zoco: 3-seller cart + checkout', zocoCart, true),
          row('baseline: the same', checkout, false),
          row('baseline: the same, no events (bare purchase)', bareCheckout, false),
          row('zoco: buyNow', zocoBuy, true),
          row('baseline: buyNow', buyNow, false),
          row('baseline: buyNow, no events', bareBuyNow, false),
          '',
          '| zoco / baseline (both with events) | throughput | p99 | server CPU (baseline: + dispatcher) | database CPU | all CPU, events delivered |',
          '|---|---:|---:|---:|---:|---:|',
          ratioRow('cart + checkout', zocoCart, checkout),
          ratioRow('buyNow', zocoBuy, buyNow),
          '',
          `Round trips per purchase (statements on the server's own pool; each side also makes 2 at the test payment provider): baseline cart ${median(trips.cart)}, checkout ${median(trips.checkout)}, buyNow ${median(trips.buyNow)}; zoco cartCreate ${zoco.statements.cart}, checkoutComplete ${zoco.statements.checkout}, buyNow ${zoco.statements.buyNow}.`,
          `The baseline one purchase at a time (5 of each, means): latency, and what the server waited for in it, ms each: ${waitLine('cart')}; ${waitLine('checkout')}; ${waitLine('buyNow')}. The rest of the latency is node (HTTP, JSON, pg protocol, the purchase's own code) and the client.`,
          `What ${os.cpus().length} cores could do at a side's CPU per purchase with all its events delivered (+ the load generator's; nothing else running): cart + checkout zoco ${ceiling(zocoCart)}, baseline ${ceiling(checkout)} (bare: ${ceiling(bareCheckout)}); buyNow zoco ${ceiling(zocoBuy)}, baseline ${ceiling(buyNow)} (bare: ${ceiling(bareBuyNow)}).`,
          `Rows left by each side (after the run, all phases): ${shapeLines.join('; ')}.`,
          `Outbox events per checkout (a cart's include its cartCreate's): ${eventLines.join('; ')}.`,
          `Invoice numbers after the run (both sides share each seller's counter): ${gaps.sellers} seller series, ${gaps.invoices} invoices, ${gaps.wrong} not gapless (0: each seller's numbers are 1..n, each once, and its counter at n).`,
          `Failures of the baseline: ${JSON.stringify({ ...checkout.result.failures, ...buyNow.result.failures, ...bareCheckout.result.failures, ...bareBuyNow.result.failures })}. Load average after the baseline's phases: ${load}.`,
        ].join('\n');
      },
    };
  } finally {
    await child.stop();
  }
}
