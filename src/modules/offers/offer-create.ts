import { randomUUID } from 'node:crypto';
import type { TxContext } from '../../core/context';
import { recordedInStatement } from '../../events/outbox';
import type { EventPayloads } from '../../events/event-types';
import type { OfferRow } from './offer.rows';
import { OfferState, type OfferTrigger } from './offer.type';

/** What the engine (or a plugin) proposes; offerCreate decides whether it becomes an offer. */
export interface OfferCandidate {
  customerId: string;
  trigger: OfferTrigger;
  /** "Never the same offer twice": one offer per customer and key, ever (e.g. `views:<productId>`). */
  dedupeKey: string;
  promotionId?: string | null;
  productId?: string | null;
  listingId?: string | null;
  /** Exactly one of percent (1–90), amount (minor units, with currency) and free shipping. */
  discount: { percent: number } | { amount: number; currency: string } | { freeShipping: true };
  /** The reason in each language; the customer's locale picks one (English when theirs is missing). */
  reason: { en: string; es?: string };
  score?: number;
}

export type OfferRefusal = 'NO_CONSENT' | 'DAILY_CAP' | 'DUPLICATE' | 'NO_CUSTOMER';
export type OfferOutcome = { offer: OfferRow } | { refused: OfferRefusal };

const MAX_KEY = 200;
const MAX_REASON = 300;
/** Candidates per call: a promotion's fan-out calls it once per batch of its customers. */
export const MAX_BATCH = 1_000;

/** The one writer of offers for one candidate (CONTRACTS D): offerCreateMany's rules. */
export async function offerCreate(ctx: TxContext, candidate: OfferCandidate): Promise<OfferOutcome> {
  return (await offerCreateMany(ctx, [candidate]))[0]!;
}

interface Eligibility {
  customerId: string;
  locale: string;
  consented: boolean;
  today: number;
  duplicate: boolean;
  last: number;
}

/**
 * The one writer of offers (CONTRACTS D), set-based for a promotion's fan-out: one candidate per customer,
 * outcomes in the candidates' order. Under the locks of the customers' offer_sequence rows (taken in id
 * order, so caps are exact under concurrent triggers and a customer's offers commit in sequence order):
 * the personalization consent, the daily cap (marketplace setting, UTC day), the dedupe key; then each
 * accepted offer gets its customer's next sequence, and one `offers.created` outbox row carries them all,
 * whole, so delivery needs no read.
 */
export async function offerCreateMany(ctx: TxContext, candidates: readonly OfferCandidate[]): Promise<OfferOutcome[]> {
  if (!candidates.length) return [];
  if (candidates.length > MAX_BATCH) throw new Error(`offerCreateMany: at most ${MAX_BATCH} candidates`);
  const customerIds = candidates.map((c) => c.customerId);
  if (new Set(customerIds).size !== customerIds.length) throw new Error('offerCreateMany: one candidate per customer');
  for (const c of candidates) if (!c.dedupeKey || c.dedupeKey.length > MAX_KEY) throw new Error('offerCreate: dedupeKey must be 1 to 200 characters');
  const cap = ctx.config.offers.dailyCap;
  const now = ctx.now();
  await ctx.tx.query(`INSERT INTO offer_sequence (customer_id) SELECT id FROM unnest($1::uuid[]) id JOIN customer c USING (id) ON CONFLICT DO NOTHING`, [customerIds]);
  await ctx.tx.query('SELECT 1 FROM offer_sequence WHERE customer_id = ANY($1) ORDER BY customer_id FOR NO KEY UPDATE', [customerIds]);
  const rows: Eligibility[] = await ctx.tx.query(
    `SELECT k.id AS "customerId", c.locale, s.last_sequence AS last,
            EXISTS (SELECT 1 FROM customer_consent cc WHERE cc.customer_id = c.id AND cc.kind = 'personalization' AND cc.granted) AS consented,
            (SELECT count(*) FROM offer o WHERE o.customer_id = c.id
                AND o.created_at >= date_trunc('day', $3::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::int AS today,
            EXISTS (SELECT 1 FROM offer o WHERE o.customer_id = c.id AND o.dedupe_key = k.key) AS duplicate
       FROM unnest($1::uuid[], $2::text[]) k(id, key)
       JOIN customer c ON c.id = k.id AND c.erased_at IS NULL
       JOIN offer_sequence s ON s.customer_id = c.id`,
    [customerIds, candidates.map((c) => c.dedupeKey), now],
  );
  const byCustomer = new Map(rows.map((r) => [r.customerId, r]));
  const outcomes: (OfferOutcome | null)[] = [];
  const accepted: { candidate: OfferCandidate; sequence: number; reason: string }[] = [];
  for (const candidate of candidates) {
    const e = byCustomer.get(candidate.customerId);
    const refused: OfferRefusal | null = !e ? 'NO_CUSTOMER' : !e.consented ? 'NO_CONSENT' : e.duplicate ? 'DUPLICATE' : e.today >= cap ? 'DAILY_CAP' : null;
    if (refused || !e) {
      outcomes.push({ refused: refused ?? 'NO_CUSTOMER' });
      continue;
    }
    outcomes.push(null);
    const spanish = String(e.locale).slice(0, 2) === 'es' && candidate.reason.es;
    accepted.push({ candidate, sequence: Number(e.last) + 1, reason: (spanish ? candidate.reason.es! : candidate.reason.en).slice(0, MAX_REASON) });
  }
  if (!accepted.length) return outcomes as OfferOutcome[];
  const expires = new Date(now.getTime() + ctx.config.offers.ttlHours * 3_600_000);
  // The rows as the database will hold them (ids made here, times from ctx.now()): the event carries the
  // whole offer and nothing has to come back from the INSERT.
  const made = new Map<string, OfferRow>();
  for (const { candidate: c, sequence, reason } of accepted) {
    const percent = 'percent' in c.discount ? c.discount.percent : null;
    const amount = 'amount' in c.discount ? c.discount : null;
    made.set(c.customerId, {
      id: randomUUID(),
      customerId: c.customerId,
      sequence,
      trigger: c.trigger,
      promotionId: c.promotionId ?? null,
      productId: c.productId ?? null,
      listingId: c.listingId ?? null,
      discountPercent: percent,
      discountAmount: amount?.amount ?? null,
      currency: amount?.currency ?? null,
      freeShipping: 'freeShipping' in c.discount,
      reason,
      state: OfferState.NEW,
      createdAt: now,
      expiresAt: expires,
    });
  }
  const offers = [...made.values()];
  const column = <T>(pick: (row: OfferRow) => T) => offers.map(pick);
  const created: EventPayloads['offers.created'] = { offers: offers.map((row) => ({ offerId: row.id, customerId: row.customerId, sequence: row.sequence, offer: row })) };
  // One statement writes the offers, their customers' sequences and one outbox row for them all (outbox.ts
  // recordEvent): issue 16 measured six statements per page of 500 for a promotion's fan-out, the three
  // writes half its round trips; a row per offer was a fifth of the database's time for the fan-out, with
  // the dispatcher's claims and marks of 10,000 rows.
  await ctx.tx.query(
    `WITH made AS (
       INSERT INTO offer (id, customer_id, sequence, dedupe_key, trigger, promotion_id, product_id, listing_id, discount_percent,
                          discount_amount, currency, reason, score, free_shipping, created_at, expires_at, updated_at)
       SELECT v.*, $14::timestamptz, $15::timestamptz, $14::timestamptz
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::uuid[], $9::int[], $10::bigint[], $11::text[], $12::text[], $13::real[], $17::boolean[])
              AS v(id, customer_id, sequence, dedupe_key, trigger, promotion_id, product_id, listing_id, discount_percent, discount_amount, currency, reason, score, free_shipping)
       RETURNING customer_id, sequence
     ), sequenced AS (
       UPDATE offer_sequence s SET last_sequence = made.sequence FROM made WHERE s.customer_id = made.customer_id
     )
     INSERT INTO outbox (type, payload) VALUES ('offers.created', $16::jsonb)`,
    [
      column((r) => r.id),
      column((r) => r.customerId),
      column((r) => r.sequence),
      accepted.map((a) => a.candidate.dedupeKey),
      column((r) => r.trigger),
      column((r) => r.promotionId),
      column((r) => r.productId),
      column((r) => r.listingId),
      column((r) => r.discountPercent),
      column((r) => r.discountAmount),
      column((r) => r.currency),
      column((r) => r.reason),
      accepted.map((a) => a.candidate.score ?? 0),
      now,
      expires,
      JSON.stringify(created),
      column((r) => r.freeShipping),
    ],
  );
  await recordedInStatement(ctx, 'offers.created', () => created);
  return candidates.map((c, i) => outcomes[i] ?? { offer: made.get(c.customerId)! });
}
