import { createHash } from 'node:crypto';
import type { TxContext } from '../../core/context';
import { emit } from '../../events/outbox';
import type { TouchpointChannel, TouchpointType } from './personalization.rows';
import { lockTraitRow, touchesOrders, updateTraits } from './trait-store';

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
export async function recordTouchpoints(ctx: TxContext, subject: TouchpointSubject, events: NewTouchpoint[]): Promise<IngestResult> {
  if (!events.length) return { accepted: 0, duplicates: 0 };
  const { tx } = ctx;
  let consented = false;
  if ('customerId' in subject) {
    // FOR SHARE: a concurrent withdrawal waits for this batch, then deletes it with the rest.
    const [row] = await tx.query(
      `SELECT granted FROM customer_consent WHERE customer_id = $1 AND kind = 'personalization' FOR SHARE`,
      [subject.customerId],
    );
    consented = row?.granted === true;
    if (!consented) return countAnonymously(ctx, subject.customerId, events);
    await lockTraitRow(tx, subject.customerId);
  }
  const customerId = 'customerId' in subject ? subject.customerId : null;
  const visitorId = 'visitorId' in subject ? subject.visitorId : null;
  const col = <K extends keyof NewTouchpoint>(key: K) => events.map((e) => e[key] ?? null);
  const inserted: StoredRow[] = await tx.query(
    `INSERT INTO touchpoint_event (customer_id, visitor_id, client_event_id, type, channel, occurred_at, product_id, listing_id,
                                   seller_id, category_id, search_text, source, order_id, amount, discount)
     SELECT $1::uuid, $2::uuid, u.client_event_id, u.type, u.channel, u.occurred_at, u.product_id, u.listing_id,
            u.seller_id, u.category_id, u.search_text, u.source, u.order_id, u.amount, u.discount
       FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::uuid[], $9::uuid[], $10::uuid[],
                   $11::text[], $12::text[], $13::uuid[], $14::bigint[], $15::bigint[])
            AS u(client_event_id, type, channel, occurred_at, product_id, listing_id, seller_id, category_id, search_text, source,
                 order_id, amount, discount)
     ON CONFLICT DO NOTHING
     RETURNING id, type, channel, occurred_at AS "occurredAt", product_id AS "productId", listing_id AS "listingId",
               seller_id AS "sellerId", category_id AS "categoryId"`,
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
  await countPerProduct(ctx, inserted);
  if (customerId && inserted.length) {
    await updateTraits(tx, customerId, { ids: inserted.map((r) => r.id), orders: touchesOrders(inserted.map((r) => r.type)) }, new Date());
    await emit(ctx, 'touchpoint.recorded', {
      customerId,
      events: inserted.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
    });
  }
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

/** Adds events to the anonymous per-product daily counts, in key order (no deadlock between batches). */
async function countPerProduct({ tx }: TxContext, events: Pick<StoredRow, 'productId' | 'occurredAt' | 'type'>[]): Promise<void> {
  const withProduct = events.filter((e) => e.productId);
  if (!withProduct.length) return;
  await tx.query(
    `INSERT INTO product_daily_touchpoints (product_id, day, type, count)
     SELECT u.product_id, (u.occurred_at AT TIME ZONE 'UTC')::date, u.type, count(*)::int
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS u(product_id, occurred_at, type)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
     ON CONFLICT (product_id, day, type) DO UPDATE SET count = product_daily_touchpoints.count + EXCLUDED.count`,
    [withProduct.map((e) => e.productId), withProduct.map((e) => e.occurredAt), withProduct.map((e) => e.type)],
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
  await ctx.tx.query(`DELETE FROM touchpoint_seen WHERE seen_on < current_date - ${SEEN_DAYS}`);
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
