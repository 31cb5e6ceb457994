import type { TransactionListener, TxContext } from '../../core/context';
import { OFFER_COLUMNS, type OfferRow } from './offer.rows';
import type { OfferTrigger } from './offer.type';

/** What the engine (or a plugin) proposes; offerCreate decides whether it becomes an offer. */
export interface OfferCandidate {
  customerId: string;
  trigger: OfferTrigger;
  /** "Never the same offer twice": one offer per customer and key, ever (e.g. `views:<productId>`). */
  dedupeKey: string;
  promotionId?: string | null;
  productId?: string | null;
  listingId?: string | null;
  /** Exactly one of percent (1–90) and amount (minor units, with currency). */
  discount: { percent: number } | { amount: number; currency: string };
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
 * accepted offer gets its customer's next sequence and `offer.created` goes to the outbox with the whole
 * offer, so delivery needs no read.
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
  const column = <T>(pick: (a: (typeof accepted)[number]) => T) => accepted.map(pick);
  const percent = (c: OfferCandidate) => ('percent' in c.discount ? c.discount.percent : null);
  const amount = (c: OfferCandidate) => ('amount' in c.discount ? c.discount.amount : null);
  const currency = (c: OfferCandidate) => ('amount' in c.discount ? c.discount.currency : null);
  const inserted: OfferRow[] = await ctx.tx.query(
    `INSERT INTO offer AS o (customer_id, sequence, dedupe_key, trigger, promotion_id, product_id, listing_id, discount_percent,
                             discount_amount, currency, reason, score, created_at, expires_at, updated_at)
     SELECT v.*, $12::timestamptz, $13::timestamptz, $12::timestamptz
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::int[], $9::bigint[], $10::text[], $11::text[], $14::real[])
            AS v(customer_id, sequence, dedupe_key, trigger, promotion_id, product_id, listing_id, discount_percent, discount_amount, currency, reason, score)
     RETURNING ${OFFER_COLUMNS}`,
    [
      column((a) => a.candidate.customerId),
      column((a) => a.sequence),
      column((a) => a.candidate.dedupeKey),
      column((a) => a.candidate.trigger),
      column((a) => a.candidate.promotionId ?? null),
      column((a) => a.candidate.productId ?? null),
      column((a) => a.candidate.listingId ?? null),
      column((a) => percent(a.candidate)),
      column((a) => amount(a.candidate)),
      column((a) => currency(a.candidate)),
      column((a) => a.reason),
      now,
      expires,
      column((a) => a.candidate.score ?? 0),
    ],
  );
  await ctx.tx.query(
    'UPDATE offer_sequence s SET last_sequence = v.sequence FROM unnest($1::uuid[], $2::bigint[]) v(customer_id, sequence) WHERE s.customer_id = v.customer_id',
    [column((a) => a.candidate.customerId), column((a) => a.sequence)],
  );
  const made = new Map(inserted.map((row) => [row.customerId, row]));
  const payloads = inserted.map((row) => ({ offerId: row.id, customerId: row.customerId, sequence: Number(row.sequence), offer: row }));
  // One outbox row per offer, written in one statement (outbox.ts recordEvent, batched), then the listeners as emit() runs them.
  await ctx.tx.query(`INSERT INTO outbox (type, payload) SELECT 'offer.created', p FROM unnest($1::jsonb[]) p`, [payloads.map((p) => JSON.stringify(p))]);
  ctx.emitted.count += payloads.length;
  for (const listener of (ctx.listeners['offer.created'] ?? []) as readonly TransactionListener<'offer.created'>[]) {
    for (const payload of payloads) await listener(ctx, payload);
  }
  return candidates.map((c, i) => outcomes[i] ?? { offer: made.get(c.customerId)! });
}
