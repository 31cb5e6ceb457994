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

interface Measured {
  result: Phase;
  /** CPU per purchase, ms: the server's process (the baseline's or zoco's). */
  serverMs: number;
  /** zoco's process during a baseline phase: its outbox dispatcher delivering the baseline's events (no request reaches it). */
  dispatcherMs: number;
  /** The database's processes (null: unreadable). */
  dbMs: number | null;
  /** The load generator (this process). */
  clientMs: number;
  /** Of the outbox events written during the phase, the share the background delivered by its end (more: a backlog's). */
  delivered: number;
  /** Whether the outbox was empty of undelivered events when the phase began, and how long the wait for it was. */
  drained: { ok: boolean; seconds: number } | null;
}

export interface BaselineRun {
  /** The markdown of the comparison, for bench:checkout's section; `zoco` is its first measured checkout phase. */
  report(zoco: {
    checkout: Phase;
    checkoutCpu: number;
    checkoutDbCpu: number | null;
    checkoutClientCpu: number;
    checkoutDelivered: number;
    seconds: number; statementsLine: { cart: number; checkout: number; buyNow: number } }): string;
}

interface Setup {
  server: Child<CheckoutServerInfo>;
  info: CheckoutServerInfo;
  /** zoco's buyNow phase with the promotions paused (as the baseline buys): its result and CPU per purchase. */
  zocoBuyNow: () => Promise<{ result: Phase; ms: number; dbMs: number | null; clientMs: number; delivered: number }>;
  phase: (one: (buyer: number, i: number) => Promise<string | null>) => Promise<Phase>;
  cartLines: (buyer: number, i: number) => { listingId: string; quantity: number }[];
  address: object;
  /** A folder: V8 CPU profiles of the baseline's measured phases with events go there (bench:checkout --cpu-prof). */
  cpuProfiles: string | null;
}

const progress = (what: string) => console.log(`purchase baseline: ${what} (${new Date().toISOString().slice(11, 19)})`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const cpuMicros = (u: { user: number; system: number }) => u.user + u.system;

export async function baselinePhases({ server, info, zocoBuyNow, phase, cartLines, address, cpuProfiles }: Setup): Promise<BaselineRun> {
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
    const checkoutOnce = async (buyer: number, i: number) => {
      const { cartId } = await post('/cart', buyer, { lines: cartLines(buyer, i) });
      const done = await post('/checkout', buyer, { cartId, paymentToken: 'tok_visa', idempotencyKey: `baseline-${randomUUID()}`, shippingAddress: address });
      return done.orderIds.length === 3 ? null : 'NOT_3_ORDERS';
    };
    const all = info.listingsBySeller.flat();
    const buyNowOnce = async (buyer: number, i: number) => {
      await post('/buy-now', buyer, { listingId: all[(buyer * 7 + i + 5) % all.length], idempotencyKey: `baseline-${randomUUID()}` });
      return null;
    };
    /** Waits (up to a minute) until the outbox's events are all delivered: a phase then starts without another's backlog. */
    const drain = async () => {
      const started = performance.now();
      for (;;) {
        const { written, delivered } = await server.call<{ written: number; delivered: number }>('outbox');
        const seconds = (performance.now() - started) / 1000;
        if (delivered >= written || seconds > 60) return { ok: delivered >= written, seconds };
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    const measure = async (one: (buyer: number, i: number) => Promise<string | null>, drainFirst: boolean, profile?: string): Promise<Measured> => {
      const drained = drainFirst ? await drain() : null;
      if (profile && cpuProfiles) await child.call('profileStart');
      const read = async () => ({
        outbox: await server.call<{ written: number; delivered: number }>('outbox'),
        base: cpuMicros(await child.call<{ user: number; system: number }>('cpu')),
        zoco: await server.call<number>('cpu'),
        db: await server.call<number | null>('databaseCpu'),
        client: cpuMicros(process.cpuUsage()),
      });
      const before = await read();
      const result = await phase(one);
      const after = await read();
      if (profile && cpuProfiles) await child.call('profileStop', path.join(cpuProfiles, `purchase-baseline-${profile}.cpuprofile`));
      const per = (us: number) => us / 1000 / Math.max(1, result.done);
      return {
        result,
        serverMs: per(after.base - before.base),
        dispatcherMs: per(after.zoco - before.zoco),
        dbMs: before.db === null || after.db === null ? null : per(after.db - before.db),
        clientMs: per(after.client - before.client),
        delivered: (after.outbox.delivered - before.outbox.delivered) / Math.max(1, after.outbox.written - before.outbox.written),
        drained,
      };
    };

    // zoco's buyNow like for like: its bench phase above runs with the promotions live, the baseline's cannot.
    await server.call('promotions', false);
    const zocoPaused = await zocoBuyNow();

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

    // As zoco's: a warm-up phase first (its backlog of events then weighs on the measured phase as zoco's warm-up's does on zoco's).
    progress(`zoco's buyNow with the promotions paused done; waiting for the outbox (${JSON.stringify(await drain())})`);
    await phase(checkoutOnce);
    progress('warm-up done');
    const checkout = await measure(checkoutOnce, false, 'checkout');
    const buyNow = await measure(buyNowOnce, false, 'buyNow');
    progress('checkout and buyNow with events done');
    // The bare purchase: no outbox events, so no background work follows it (each phase after the backlog is delivered).
    await child.call('events', { events: false });
    const bareCheckout = await measure(checkoutOnce, true);
    const bareBuyNow = await measure(buyNowOnce, true);
    await child.call('events', { events: true });
    progress('bare checkout and buyNow done');

    const shapes = await server.call<
      { baseline: boolean; cart: boolean; checkouts: number; ordersEach: number; linesEach: number; invoicesEach: number; totalsWrong: number; captured: number }[]
    >('purchaseShapes');
    const events = await server.call<{ baseline: boolean; cart: boolean; type: string; events: number; checkouts: number }[]>('purchaseEvents');
    const gaps = await server.call<{ sellers: number; invoices: number; wrong: number }>('invoiceGaps');
    const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');

    return {
      report(zoco) {
        const { seconds } = zoco;
        const rate = (p: Phase) => p.done / seconds;
        const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
        const ratio = (a: number | null, b: number | null) => (a === null || b === null || !b ? 'n/a' : `${(a / b).toFixed(2)}x`);
        const row = (name: string, p: Phase, server: number, dispatcher: number | null, db: number | null, client: number, delivered: number | null) =>
          `| ${name} | ${p.done} | ${rate(p).toFixed(1)} | ${percentile(p.latencies, 50).toFixed(1)} | ${percentile(p.latencies, 99).toFixed(1)} | ${p.failed} | ${ms(server)} | ${dispatcher === null ? '(in server)' : ms(dispatcher)} | ${ms(db)} | ${ms(client)} | ${delivered === null ? '–' : `${(delivered * 100).toFixed(0)}%`} |`;
        const total = (m: { server: number; dispatcher: number; db: number | null }) => (m.db === null ? null : m.server + m.dispatcher + m.db);
        const zocoCheckout = { server: zoco.checkoutCpu, dispatcher: 0, db: zoco.checkoutDbCpu };
        const zocoBuy = { server: zocoPaused.ms, dispatcher: 0, db: zocoPaused.dbMs };
        const side = (m: Measured) => ({ server: m.serverMs, dispatcher: m.dispatcherMs, db: m.dbMs });
        const ratioRows = (name: string, z: Phase, zc: { server: number; dispatcher: number; db: number | null }, b: Measured) => {
          const bc = side(b);
          return `| ${name} | ${ratio(rate(z), rate(b.result))} | ${ratio(percentile(z.latencies, 99), percentile(b.result.latencies, 99))} | ${ratio(zc.server, bc.server + bc.dispatcher)} | ${ratio(zc.db, bc.db)} | ${ratio(total(zc), total(bc))} |`;
        };
        // What 2 cores could do at a side's CPU per purchase (server, dispatcher, database and load generator all on them).
        const ceiling = (m: Measured) => (m.dbMs === null ? 'n/a' : `${((os.cpus().length * 1000) / (m.serverMs + m.dispatcherMs + m.dbMs + m.clientMs)).toFixed(0)}/s`);
        const shapeLines = shapes.map(
          (s) =>
            `${s.baseline ? 'baseline' : 'zoco'} ${s.cart ? 'cart checkouts' : 'buyNows'}: ${s.checkouts}, ${s.ordersEach.toFixed(2)} orders, ${s.linesEach.toFixed(2)} lines and ${s.invoicesEach.toFixed(2)} matching invoices each, ${s.totalsWrong} with totals that do not add up, ${s.captured} captured after one authorization at the provider`,
        );
        const eventLines = events.map((e) => `${e.baseline ? 'baseline' : 'zoco'} ${e.cart ? 'cart' : 'buyNow'} ${e.type} ${(e.events / Math.max(1, e.checkouts)).toFixed(2)}/checkout`);
        const drainNote = (m: Measured) => (m.drained ? `${m.drained.ok ? 'drained' : 'NOT drained'} in ${m.drained.seconds.toFixed(1)} s` : '');
        return [
          '### The purchase ceiling: a plain-SQL baseline in the same run (issue 14)',
          '',
          'The baseline (bench/purchase-baseline-server.ts): node:http, JSON, `pg` with named statements, no GraphQL or ORM, the same purchase with the same rows (stock taken with a check, orders and lines, payment pending → authorized → captured with the test provider\'s own calls, gapless invoices, outbox events, cart completed), in the fewest round trips. zoco\'s buyNow is measured again here with the promotions paused (the baseline implements no discounts). CPU per purchase in ms; "dispatcher" is zoco\'s process delivering the baseline\'s outbox events during its phase (zoco\'s own is inside its server CPU); "client" is the load generator; "events delivered": of the outbox events written during the phase, the share delivered by its end (over 100%: an earlier backlog delivered too; the CPU of what is still undelivered is not in the phase).',
          '',
          '| scenario | completed | per second | p50 ms | p99 ms | failed | server CPU | dispatcher CPU | database CPU | client CPU | events delivered |',
          '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
          row('zoco: 3-seller cart + checkout (first measured phase above)', zoco.checkout, zoco.checkoutCpu, null, zoco.checkoutDbCpu, zoco.checkoutClientCpu, zoco.checkoutDelivered),
          row('baseline: the same, with its events', checkout.result, checkout.serverMs, checkout.dispatcherMs, checkout.dbMs, checkout.clientMs, checkout.delivered),
          row(`baseline: the same, no events (bare purchase; ${drainNote(bareCheckout)})`, bareCheckout.result, bareCheckout.serverMs, bareCheckout.dispatcherMs, bareCheckout.dbMs, bareCheckout.clientMs, null),
          row('zoco: buyNow, promotions paused', zocoPaused.result, zocoPaused.ms, null, zocoPaused.dbMs, zocoPaused.clientMs, zocoPaused.delivered),
          row('baseline: buyNow, with its events', buyNow.result, buyNow.serverMs, buyNow.dispatcherMs, buyNow.dbMs, buyNow.clientMs, buyNow.delivered),
          row(`baseline: buyNow, no events (${drainNote(bareBuyNow)})`, bareBuyNow.result, bareBuyNow.serverMs, bareBuyNow.dispatcherMs, bareBuyNow.dbMs, bareBuyNow.clientMs, null),
          '',
          '| zoco / baseline (with events) | throughput | p99 | server CPU (baseline: + dispatcher) | database CPU | all CPU |',
          '|---|---:|---:|---:|---:|---:|',
          ratioRows('cart + checkout', zoco.checkout, zocoCheckout, checkout),
          ratioRows('buyNow', zocoPaused.result, zocoBuy, buyNow),
          '',
          `Round trips per purchase (statements on the server's own pool; each side also makes 2 at the test payment provider): baseline cart ${median(trips.cart)}, checkout ${median(trips.checkout)}, buyNow ${median(trips.buyNow)}; zoco cartCreate ${zoco.statementsLine.cart}, checkoutComplete ${zoco.statementsLine.checkout}, buyNow ${zoco.statementsLine.buyNow}.`,
          `The baseline one purchase at a time (5 of each, means): latency, and what the server waited for in it, ms each: ${waitLine('cart')}; ${waitLine('checkout')}; ${waitLine('buyNow')}. The rest of the latency is node (HTTP, JSON, pg protocol, the purchase's own code) and the client.`,
          `What 2 cores could do at the baseline's CPU per purchase (server + dispatcher + database + load generator, nothing else running): cart + checkout ${ceiling(checkout)} with events, ${ceiling(bareCheckout)} bare; buyNow ${ceiling(buyNow)} with events, ${ceiling(bareBuyNow)} bare.`,
          `Rows left by each side (after the run): ${shapeLines.join('; ')}.`,
          `Outbox events per checkout: ${eventLines.join('; ')}.`,
          `Invoice numbers after the run (both sides share each seller's counter): ${gaps.sellers} seller series, ${gaps.invoices} invoices, ${gaps.wrong} not gapless (0: each seller's numbers are 1..n, each once, and its counter at n).`,
          `Failures of the baseline: ${JSON.stringify({ ...checkout.result.failures, ...buyNow.result.failures, ...bareCheckout.result.failures, ...bareBuyNow.result.failures })}. Load average after the baseline's phases: ${load}.`,
        ].join('\n');
      },
    };
  } finally {
    await child.stop();
  }
}
