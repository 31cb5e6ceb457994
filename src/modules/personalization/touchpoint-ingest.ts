import { createHash, randomInt } from 'node:crypto';
import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import type { TouchpointChannel, TouchpointType } from './personalization.rows';
import { addOrderFacts, dayAggregateCtes, reevaluate, touchesOrders } from './trait-store';

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
 * Stores one batch of touchpoints of one subject in the caller's transaction: a consenting customer's and
 * a visitor's as individual events (one multi-row insert; resends dropped by the unique client id), a
 * customer without the personalization consent only as anonymous per-product daily counts. A
 * consenting customer's traits are updated before the commit (no batch job), and `touchpoint.recorded`
 * names the new events for the offer engine.
 */
/** recordTouchpoints in the caller's transaction or a new one, counted for the operator's metrics (issue 13). */
export async function ingestTouchpoints(ctx: Context, subject: TouchpointSubject, events: NewTouchpoint[]): Promise<IngestResult> {
  const result = await withTransaction(ctx, (tx) => recordTouchpoints(tx, subject, events));
  ctx.telemetry.eventsIngested(result.accepted, events[0]?.source ?? 'server');
  return result;
}

export async function recordTouchpoints(ctx: TxContext, subject: TouchpointSubject, events: NewTouchpoint[]): Promise<IngestResult> {
  if (!events.length) return { accepted: 0, duplicates: 0 };
  const { tx } = ctx;
  if ('customerId' in subject) {
    // The consent is read FOR SHARE (a concurrent withdrawal waits for this batch, then deletes it with
    // the rest) and, when given, the customer's trait row is created or locked (trait-store.ts lockTraitRow).
    const [{ consented }] = await tx.query(
      `WITH consent AS (
         SELECT customer_id FROM customer_consent WHERE customer_id = $1 AND kind = 'personalization' AND granted FOR SHARE),
       locked AS (
         INSERT INTO customer_trait (customer_id) SELECT customer_id FROM consent
         ON CONFLICT (customer_id) DO UPDATE SET updated_at = customer_trait.updated_at RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM locked) AS consented`,
      [subject.customerId],
    );
    if (!consented) return countAnonymously(ctx, subject.customerId, events);
  }
  const customerId = 'customerId' in subject ? subject.customerId : null;
  const visitorId = 'visitorId' in subject ? subject.visitorId : null;
  const col = <K extends keyof NewTouchpoint>(key: K) => events.map((e) => e[key] ?? null);
  // For a customer, the new events go into their day aggregates in the same statement (trait-store.ts).
  const inserted: StoredRow[] = await tx.query(
    `WITH inserted AS (
       INSERT INTO touchpoint_event (customer_id, visitor_id, client_event_id, type, channel, occurred_at, product_id, listing_id,
                                     seller_id, category_id, search_text, source, order_id, amount, discount)
       SELECT $1::uuid, $2::uuid, u.client_event_id, u.type, u.channel, u.occurred_at, u.product_id, u.listing_id,
              u.seller_id, u.category_id, u.search_text, u.source, u.order_id, u.amount, u.discount
         FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::uuid[], $9::uuid[], $10::uuid[],
                     $11::text[], $12::text[], $13::uuid[], $14::bigint[], $15::bigint[])
              AS u(client_event_id, type, channel, occurred_at, product_id, listing_id, seller_id, category_id, search_text, source,
                   order_id, amount, discount)
       ON CONFLICT DO NOTHING
       RETURNING *)
     ${customerId ? `, ${dayAggregateCtes('SELECT e.* FROM inserted e')}` : ''}
     SELECT id, type, channel, occurred_at AS "occurredAt", product_id AS "productId", listing_id AS "listingId",
            seller_id AS "sellerId", category_id AS "categoryId" FROM inserted`,
    [
      customerId,
      visitorId,
      col('clientEventId'),
      col('type'),
      col('channel'),
      col('occurredAt'),
      col('productId'),
      col('listingId'),
      col('sellerId'),
      col('categoryId'),
      col('searchText'),
      col('source'),
      col('orderId'),
      col('amount'),
      col('discount'),
    ],
  );
  if (customerId && inserted.length) {
    const selection = { ids: inserted.map((r) => r.id), orders: touchesOrders(inserted.map((r) => r.type)) };
    if (selection.orders) await addOrderFacts(tx, customerId, selection);
    await reevaluate(tx, customerId, new Date());
    await emit(ctx, 'touchpoint.recorded', {
      customerId,
      events: inserted.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
    });
  }
  // Last: popular products' count rows are shared by every shopper's batch, so their locks are held
  // only from here to the commit.
  await countPerProduct(ctx, inserted);
  return { accepted: inserted.length, duplicates: events.length - inserted.length };
}

interface StoredRow {
  id: string;
  type: string;
  channel: string;
  occurredAt: Date;
  productId: string | null;
  listingId: string | null;
  sellerId: string | null;
  categoryId: string | null;
}

/** Shards of each per-product count (migrations/1764100100000): concurrent batches rarely share a row. */
const COUNT_SHARDS = 64;

/**
 * Adds events to the anonymous per-product daily counts, in key order (no deadlock between batches).
 * Call it last in the transaction (see above).
 */
async function countPerProduct({ tx }: TxContext, events: Pick<StoredRow, 'productId' | 'occurredAt' | 'type'>[]): Promise<void> {
  const withProduct = events.filter((e) => e.productId);
  if (!withProduct.length) return;
  await tx.query(
    `INSERT INTO product_daily_touchpoints (product_id, day, type, shard, count)
     SELECT u.product_id, (u.occurred_at AT TIME ZONE 'UTC')::date, u.type, $4, count(*)::int
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS u(product_id, occurred_at, type)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
     ON CONFLICT (product_id, day, type, shard) DO UPDATE SET count = product_daily_touchpoints.count + EXCLUDED.count`,
    [withProduct.map((e) => e.productId), withProduct.map((e) => e.occurredAt), withProduct.map((e) => e.type), randomInt(COUNT_SHARDS)],
  );
}

/** How long a digest is kept: longer than the oldest event accepted (MAX_EVENT_AGE_DAYS) plus a day. */
const SEEN_DAYS = 8;

/**
 * Without the consent nothing individual is kept: only the per-product counts. A resend is still
 * recognised, by a keyed one-way digest of (customer, client id) that names no one and is forgotten once
 * events that old are refused anyway (touchpoint_seen).
 */
async function countAnonymously(ctx: TxContext, customerId: string, events: NewTouchpoint[]): Promise<IngestResult> {
  const key = ctx.config.jwtSecret ?? '';
  const digestOf = (clientId: string) => createHash('sha256').update(`${key}\0${customerId}\0${clientId}`).digest();
  const withId = events.filter((e) => e.clientEventId);
  // Forgetting old digests is no one's job in particular: about one batch in a hundred does it.
  if (randomInt(100) === 0) await ctx.tx.query(`DELETE FROM touchpoint_seen WHERE seen_on < current_date - ${SEEN_DAYS}`);
  const fresh = new Set<string>();
  if (withId.length) {
    const rows: { digest: Buffer }[] = await ctx.tx.query(
      `INSERT INTO touchpoint_seen (digest) SELECT d FROM unnest($1::bytea[]) AS d ORDER BY 1 ON CONFLICT DO NOTHING RETURNING digest`,
      [withId.map((e) => digestOf(e.clientEventId!))],
    );
    for (const r of rows) fresh.add(r.digest.toString('hex'));
  }
  const counted = events.filter((e) => !e.clientEventId || fresh.delete(digestOf(e.clientEventId).toString('hex')));
  await countPerProduct(ctx, counted);
  return { accepted: counted.length, duplicates: events.length - counted.length };
}
