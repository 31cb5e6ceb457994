import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../db/prepared-query';
import type { Context } from '../../core/context';
import { offersTopic } from '../../pubsub/topic-router';
import { OFFER_COLUMNS, toOffer, type OfferRow } from './offer.rows';
import type { OfferDelivery } from './offer.type';

const PAGE = 100;
/** Live offers held while the subscriber catches up; past this, the database fills the gap instead. */
const MAX_HELD = 256;

interface ReplayKey {
  customerId: string;
  after: number;
  upTo: number | null;
}

/**
 * Replay reads of every subscription on this instance, coalesced: a reconnect storm of 10,000 sockets asks
 * "offers of customer c after n" 10,000 times within moments; batched, that is a few statements of 500.
 * Per DataSource (per app), not per request: subscriptions live longer than requests.
 */
const replayers = new WeakMap<DataSource, DataLoader<ReplayKey, OfferRow[]>>();
function replayer(db: DataSource): DataLoader<ReplayKey, OfferRow[]> {
  let loader = replayers.get(db);
  if (!loader) {
    loader = new DataLoader<ReplayKey, OfferRow[]>(
      async (keys) => {
        // Prepared (db/prepared-query.ts), as the token check: a reconnect storm runs it thousands of times.
        const rows = await preparedQuery<OfferRow & { k: number }>(
          db,
          `SELECT k.n AS k, r.* FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS k(customer_id, after, up_to, n)
             CROSS JOIN LATERAL (
               SELECT ${OFFER_COLUMNS} FROM offer o
                WHERE o.customer_id = k.customer_id AND o.sequence > k.after AND (k.up_to IS NULL OR o.sequence <= k.up_to)
                ORDER BY o.sequence LIMIT ${PAGE}) r
            ORDER BY k.n, r.sequence`,
          [keys.map((k) => k.customerId), keys.map((k) => k.after), keys.map((k) => k.upTo)],
        );
        const pages: OfferRow[][] = keys.map(() => []);
        for (const { k, ...row } of rows) pages[Number(k) - 1]!.push(row);
        return pages;
      },
      // Within 2 ms: only replays and gap fills read (a live offer that is next in line is sent from its event).
      { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setTimeout(run, 2) },
    );
    replayers.set(db, loader);
  }
  return loader;
}

/** Where each customer's offers stand (their last sequence), for subscriptions without a cursor: batched like replays. */
const lastSequences = new WeakMap<DataSource, DataLoader<string, number>>();
function lastSequence(db: DataSource): DataLoader<string, number> {
  let loader = lastSequences.get(db);
  if (!loader) {
    loader = new DataLoader<string, number>(
      async (customerIds) => {
        const rows = await preparedQuery<{ id: string; last: string }>(db, 'SELECT customer_id AS id, last_sequence AS last FROM offer_sequence WHERE customer_id = ANY($1::uuid[])', [
          customerIds,
        ]);
        const last = new Map(rows.map((r) => [r.id, Number(r.last)]));
        return customerIds.map((id) => last.get(id) ?? 0);
      },
      { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setTimeout(run, 2) },
    );
    lastSequences.set(db, loader);
  }
  return loader;
}

/**
 * A customer's offers after `after` (a sequence; null: from now), then live ones, in sequence order, each exactly once.
 * The live route is heard before the first read, so nothing committed during the replay falls between
 * the two; a live offer right after the last one delivered goes out from its event (no read: that is the
 * fan-out path), any gap (offers published while replaying, lost pubsub messages, events dispatched out of
 * order by two workers) is read from the database. A slow client holds at most MAX_HELD offers in memory.
 */
export function offerStream(ctx: Context, customerId: string, after: number | null): AsyncIterableIterator<OfferDelivery> {
  // `after` null: only offers made from now on; where "now" is, is read once the live route is heard.
  let started = after !== null;
  let last = after ?? 0;
  let maxSeen = last;
  let replayed = false;
  let done = false;
  const held = new Map<number, OfferRow>();
  const ready: OfferRow[] = [];
  let wake: (() => void) | null = null;

  const topic = offersTopic(customerId);
  let heard = false;
  const unlisten = ctx.topics.listen(topic, (event) => {
    // Its part of `offers.created` (the offers module's topic route): one CreatedOffer.
    const row = (event.payload as unknown as { offer?: OfferRow }).offer;
    if (!row || row.customerId !== customerId) return;
    const sequence = Number(row.sequence);
    if (sequence <= last) return;
    maxSeen = Math.max(maxSeen, sequence);
    if (held.size < MAX_HELD) held.set(sequence, row);
    wake?.();
  });

  const read = (upTo: number | null): Promise<OfferRow[]> => replayer(ctx.db).load({ customerId, after: last, upTo });

  const take = (rows: OfferRow[]) => {
    for (const row of rows) {
      const sequence = Number(row.sequence);
      if (sequence <= last) continue;
      ready.push(row);
      last = sequence;
    }
    for (const sequence of held.keys()) if (sequence <= last) held.delete(sequence);
  };

  async function fill(): Promise<void> {
    while (!done && !ready.length) {
      if (!heard) {
        // Redis acknowledges the topic's SUBSCRIBE after listen() returns: a read before it could miss an offer published meanwhile.
        await ctx.topics.heard(topic);
        heard = true;
        continue;
      }
      if (!started) {
        last = await lastSequence(ctx.db).load(customerId);
        maxSeen = Math.max(maxSeen, last);
        started = true;
        continue;
      }
      if (!replayed) {
        const rows = await read(null);
        if (rows.length < PAGE) replayed = true;
        take(rows);
        continue;
      }
      const next = held.get(last + 1);
      if (next) {
        take([next]);
        continue;
      }
      if (maxSeen > last) {
        const rows = await read(maxSeen);
        // Gone meanwhile (the customer was erased): nothing left to wait for up to there.
        if (!rows.length) last = maxSeen;
        take(rows);
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  }

  const finish = (): Promise<IteratorResult<OfferDelivery>> => {
    done = true;
    unlisten();
    wake?.();
    return Promise.resolve({ done: true, value: undefined });
  };

  return {
    async next() {
      await fill();
      const row = ready.shift();
      if (done || !row) return { done: true, value: undefined };
      const offer = toOffer(row);
      ctx.telemetry.offersDelivered(1);
      return { done: false, value: { cursor: offer.cursor, offer } };
    },
    return: finish,
    throw: async (err: unknown) => {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
