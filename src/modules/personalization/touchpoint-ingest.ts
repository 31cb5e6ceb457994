import { createHash, randomInt } from 'node:crypto';
import type { Context, TxContext } from '../../core/context';
import { recordedInStatement } from '../../events/outbox';
import { type TransactionOptions, withTransaction } from '../../db/transaction';
import { preparedTxQuery } from '../../db/prepared-query';
import type { RecordedTouchpoint } from '../../events/event-types';
import type { TouchpointChannel, TouchpointType } from './personalization.rows';
import { evaluateTraits } from './trait-model';
import { addOrderFacts, dayAggregateCtes, readTraitInputs, storeTraits, touchesOrders } from './trait-store';

/** A validated touchpoint with its references resolved to database ids. */
export interface NewTouchpoint {
  clientEventId: string | null;
  type: TouchpointType;
  channel: TouchpointChannel;
  occurredAt: Date;
  productId: string | null;
  listingId: string | null;
  sellerId: string | null;
  categoryId: string | null;
  searchText: string | null;
  source: 'client' | 'server';
  orderId?: string | null;
  amount?: number | null;
  discount?: number | null;
}

/** Whose touchpoints: a customer, or an anonymous visitor (their id from visitorCreate, verified). */
export type TouchpointSubject = { customerId: string } | { visitorId: string };

export interface IngestResult {
  /** Events stored or counted for the first time. */
  accepted: number;
  /** Events already received (the same client id from the same customer or visitor). */
  duplicates: number;
}

/**
 * recordTouchpoints in the caller's transaction or a new one, counted for the operator's metrics (issue 13).
 * `options`: the server's touchpoints, ingested by an outbox hook, commit asynchronously (HOOK_TRANSACTION).
 */
export async function ingestTouchpoints(ctx: Context, subject: TouchpointSubject, events: NewTouchpoint[], options?: TransactionOptions): Promise<IngestResult> {
  const result = await withTransaction(ctx, (tx) => recordTouchpoints(tx, subject, events), options);
  ctx.telemetry.eventsIngested(result.accepted, events[0]?.source ?? 'server');
  return result;
}

/** The batch as one array per column, the parameters of the multi-row insert (`unnest`). */
function columnsOf(events: NewTouchpoint[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 13 }, () => new Array(events.length));
  events.forEach((e, i) => {
    cols[0]![i] = e.clientEventId;
    cols[1]![i] = e.type;
    cols[2]![i] = e.channel;
    cols[3]![i] = e.occurredAt;
    cols[4]![i] = e.productId;
    cols[5]![i] = e.listingId;
    cols[6]![i] = e.sellerId;
    cols[7]![i] = e.categoryId;
    cols[8]![i] = e.searchText;
    cols[9]![i] = e.source;
    cols[10]![i] = e.orderId ?? null;
    cols[11]![i] = e.amount ?? null;
    cols[12]![i] = e.discount ?? null;
  });
  return cols;
}

/** The multi-row insert of a batch ($1 customer, $2 visitor, $3–$15 the columns), gated by `gate` (SQL, or ''). */
const insertEventsCte = (gate: string) => `inserted AS (
       INSERT INTO touchpoint_event (customer_id, visitor_id, client_event_id, type, channel, occurred_at, product_id, listing_id,
                                     seller_id, category_id, search_text, source, order_id, amount, discount)
       SELECT $1::uuid, $2::uuid, u.client_event_id, u.type, u.channel, u.occurred_at, u.product_id, u.listing_id,
              u.seller_id, u.category_id, u.search_text, u.source, u.order_id, u.amount, u.discount
         FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::uuid[], $9::uuid[], $10::uuid[],
                     $11::text[], $12::text[], $13::uuid[], $14::bigint[], $15::bigint[])
              AS u(client_event_id, type, channel, occurred_at, product_id, listing_id, seller_id, category_id, search_text, source,
                   order_id, amount, discount)
        ${gate}
       ON CONFLICT DO NOTHING
       RETURNING *)`;

/**
 * The stored events as `touchpoint.recorded` carries them (RecordedTouchpoint), built by PostgreSQL as JSON
 * text: no row objects, no Date parsing, and the same text feeds the per-product counts.
 */
const RECORDED_JSON = `(SELECT coalesce(json_agg(json_build_object('id', e.id, 'type', e.type, 'channel', e.channel,
         'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'productId', e.product_id,
         'listingId', e.listing_id, 'sellerId', e.seller_id, 'categoryId', e.category_id)), '[]')::text FROM inserted e)`;

/**
 * Stores one batch of touchpoints of one subject in the caller's transaction: a consenting customer's and
 * a visitor's as individual events (one multi-row insert; resends dropped by the unique client id), a
 * customer without the personalization consent only as anonymous per-product daily counts. A
 * consenting customer's traits are updated before the commit (no batch job), and `touchpoint.recorded`
 * names the new events for the offer engine.
 */
export async function recordTouchpoints(ctx: TxContext, subject: TouchpointSubject, events: NewTouchpoint[]): Promise<IngestResult> {
  if (!events.length) return { accepted: 0, duplicates: 0 };
  return 'customerId' in subject ? recordCustomers(ctx, subject.customerId, events) : recordVisitors(ctx, subject.visitorId, events);
}

/**
 * A customer's batch. One statement reads the consent FOR SHARE (a concurrent withdrawal waits for this
 * batch, then deletes it with the rest), creates or locks the trait row (trait-store.ts lockTraitRow: it
 * serialises the customer's batches, so each evaluation sees every committed event before it) and, with
 * the consent, inserts the events and adds them to the day aggregates. Then the aggregates are read, the
 * traits evaluated and stored with the per-product counts and the `touchpoint.recorded` outbox row: three
 * statements between BEGIN and COMMIT, where there were six (app CPU per event −30%, bench/RESULTS.md events-bench).
 */
async function recordCustomers(ctx: TxContext, customerId: string, events: NewTouchpoint[]): Promise<IngestResult> {
  const { tx } = ctx;
  // Named statements (this one and countAnonymously's): every purchase's order.paid comes through here, and each
  // was parsed and planned again per batch (0.24 ms of planning per purchase under the checkout bench).
  const [row]: { consented: boolean; accepted: number; lastSeenAt: Date | null; recorded: string }[] = await preparedTxQuery(
    tx,
    `WITH consent AS (
       SELECT customer_id FROM customer_consent WHERE customer_id = $1 AND kind = 'personalization' AND granted FOR SHARE),
     locked AS (
       INSERT INTO customer_trait (customer_id) SELECT customer_id FROM consent
       ON CONFLICT (customer_id) DO UPDATE SET updated_at = customer_trait.updated_at RETURNING last_seen_at),
     ${insertEventsCte('WHERE EXISTS (SELECT 1 FROM locked)')},
     ${dayAggregateCtes('SELECT e.* FROM inserted e', { lastSeen: false })}
     SELECT EXISTS (SELECT 1 FROM locked) AS consented, (SELECT count(*)::int FROM inserted) AS accepted,
            greatest((SELECT last_seen_at FROM locked), (SELECT max(occurred_at) FROM inserted)) AS "lastSeenAt",
            ${RECORDED_JSON} AS recorded`,
    [customerId, null, ...columnsOf(events)],
  );
  if (!row!.consented) return countAnonymously(ctx, customerId, events);
  const { accepted, lastSeenAt, recorded } = row!;
  if (accepted) {
    let parsed: RecordedTouchpoint[] | undefined;
    const stored = (): RecordedTouchpoint[] => (parsed ??= JSON.parse(recorded));
    if (touchesOrders(events.map((e) => e.type))) {
      await addOrderFacts(tx, customerId, { ids: stored().map((e) => e.id), orders: true, cancels: events.some((e) => e.type === 'ORDER_CANCELLED') });
    }
    // The trait row's last_seen_at is stored with the traits (one UPDATE of the locked row per batch).
    const traits = evaluateTraits((await readTraitInputs(tx, customerId, new Date(), lastSeenAt))!);
    // The same statement adds the per-product counts and writes the `touchpoint.recorded` outbox row (as
    // offers/offer-create.ts does: counted, then the listeners as emit() runs them): its payload is the
    // JSON text PostgreSQL made, never parsed and serialised again.
    await storeTraits(tx, customerId, traits, {
      cte: `${recordedCountsCte('$16')},
            recorded_event AS (INSERT INTO outbox (type, payload) VALUES ('touchpoint.recorded', json_build_object('customerId', $1::uuid, 'events', $16::json)))`,
      params: [recorded],
    });
    await recordedInStatement(ctx, 'touchpoint.recorded', () => ({ customerId, events: stored() }));
  }
  return { accepted, duplicates: events.length - accepted };
}

/** A guest's batch: the events under the visitor and the per-product counts, in one statement. */
async function recordVisitors(ctx: TxContext, visitorId: string, events: NewTouchpoint[]): Promise<IngestResult> {
  const [{ accepted }]: { accepted: number }[] = await ctx.tx.query(
    `WITH ${insertEventsCte('')},
     ${countsCte('SELECT product_id, occurred_at, type FROM inserted')}
     SELECT count(*)::int AS accepted FROM inserted`,
    [null, visitorId, ...columnsOf(events)],
  );
  return { accepted, duplicates: events.length - accepted };
}

/** Shards of each per-product count (migrations/1764100100000): concurrent batches rarely share a row. */
const COUNT_SHARDS = 64;

/**
 * Adds events to the anonymous per-product daily counts (`source`: rows of product_id, occurred_at, type),
 * as a data-modifying CTE, in key order (no deadlock between batches) and in one shard picked per
 * statement. These rows are shared by every shopper's batch: the statement that writes them is the last
 * of its transaction, so their locks are held only from there to the commit.
 */
const countsCte = (source: string) => `counts AS (
    INSERT INTO product_daily_touchpoints (product_id, day, type, shard, count)
    SELECT s.product_id, (s.occurred_at AT TIME ZONE 'UTC')::date, s.type, (SELECT floor(random() * ${COUNT_SHARDS})::int), count(*)::int
      FROM (${source}) s WHERE s.product_id IS NOT NULL
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (product_id, day, type, shard) DO UPDATE SET count = product_daily_touchpoints.count + EXCLUDED.count)`;

/** The per-product counts of a `touchpoint.recorded` event list given as JSON text (parameter `param`). */
const recordedCountsCte = (param: string) =>
  countsCte(`SELECT r."productId" AS product_id, r."occurredAt" AS occurred_at, r.type
               FROM jsonb_to_recordset(${param}::jsonb) AS r("productId" uuid, "occurredAt" timestamptz, type text)`);

/** How long a digest is kept: longer than the oldest event accepted (MAX_EVENT_AGE_DAYS) plus a day. */
const SEEN_DAYS = 8;

/**
 * Without the consent nothing individual is kept: only the per-product counts. A resend is still
 * recognised, by a keyed one-way digest of (customer, client id) that names no one and is forgotten once
 * events that old are refused anyway (touchpoint_seen). One statement records the digests and counts the
 * events whose digest is new (or that have no client id); a client id repeated within the batch counts once.
 */
async function countAnonymously(ctx: TxContext, customerId: string, events: NewTouchpoint[]): Promise<IngestResult> {
  const key = ctx.config.jwtSecret ?? '';
  // Forgetting old digests is no one's job in particular: about one batch in a hundred does it.
  if (randomInt(100) === 0) await ctx.tx.query(`DELETE FROM touchpoint_seen WHERE seen_on < current_date - ${SEEN_DAYS}`);
  const seen = new Set<string>();
  const kept = events.filter((e) => !e.clientEventId || (!seen.has(e.clientEventId) && seen.add(e.clientEventId)));
  const digests = kept.map((e) => (e.clientEventId ? createHash('sha256').update(`${key}\0${customerId}\0${e.clientEventId}`).digest() : null));
  const [{ accepted }]: { accepted: number }[] = await preparedTxQuery(
    ctx.tx,
    `WITH fresh AS (
       INSERT INTO touchpoint_seen (digest) SELECT d FROM unnest($1::bytea[]) AS d WHERE d IS NOT NULL ORDER BY 1
       ON CONFLICT DO NOTHING RETURNING digest),
     counted AS MATERIALIZED (
       SELECT u.product_id, u.occurred_at, u.type FROM unnest($1::bytea[], $2::uuid[], $3::timestamptz[], $4::text[]) AS u(digest, product_id, occurred_at, type)
        WHERE u.digest IS NULL OR u.digest IN (SELECT digest FROM fresh)),
     ${countsCte('SELECT * FROM counted')}
     SELECT count(*)::int AS accepted FROM counted`,
    [digests, kept.map((e) => e.productId), kept.map((e) => e.occurredAt), kept.map((e) => e.type)],
  );
  return { accepted, duplicates: events.length - accepted };
}
