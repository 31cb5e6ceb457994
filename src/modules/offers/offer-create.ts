import type { TxContext } from '../../core/context';
import { emit } from '../../events/outbox';
import { OFFER_COLUMNS, type OfferRow } from './offer.rows';
import type { OfferTrigger } from './offer.type';

/** What the engine (or a plugin) proposes; offerCreate decides whether it becomes an offer. */
export interface OfferCandidate {
  customerId: string;
  trigger: OfferTrigger;
  /** "Never the same offer twice": one offer per customer and key, ever (e.g. `views:<productId>:<day>`). */
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

const MAX_KEY = 200;
const MAX_REASON = 300;

/**
 * The one writer of offers (CONTRACTS D). Under the lock of the customer's offer_sequence row (so caps are
 * exact under concurrent triggers and sequences commit in order): the personalization consent, the daily
 * cap (marketplace setting, UTC day), the dedupe key; then the offer gets the next sequence and
 * `offer.created` goes to the outbox with the whole offer, so delivery needs no read.
 */
export async function offerCreate(ctx: TxContext, candidate: OfferCandidate): Promise<{ offer: OfferRow } | { refused: OfferRefusal }> {
  const { customerId } = candidate;
  if (candidate.dedupeKey.length > MAX_KEY || !candidate.dedupeKey) throw new Error('offerCreate: dedupeKey must be 1 to 200 characters');
  const [customer] = await ctx.tx.query(
    `SELECT c.locale, EXISTS (SELECT 1 FROM customer_consent cc WHERE cc.customer_id = c.id AND cc.kind = 'personalization' AND cc.granted) AS consented
       FROM customer c WHERE c.id = $1 AND c.erased_at IS NULL`,
    [customerId],
  );
  if (!customer) return { refused: 'NO_CUSTOMER' };
  if (!customer.consented) return { refused: 'NO_CONSENT' };
  const cap = ctx.config.offers.dailyCap;
  if (cap <= 0) return { refused: 'DAILY_CAP' };
  await ctx.tx.query('INSERT INTO offer_sequence (customer_id) VALUES ($1) ON CONFLICT DO NOTHING', [customerId]);
  const [{ last }] = await ctx.tx.query('SELECT last_sequence AS last FROM offer_sequence WHERE customer_id = $1 FOR NO KEY UPDATE', [customerId]);
  const now = ctx.now();
  const [{ today, duplicate }] = await ctx.tx.query(
    `SELECT count(*) FILTER (WHERE created_at >= date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::int AS today,
            bool_or(dedupe_key = $3) AS duplicate
       FROM offer WHERE customer_id = $1 AND (dedupe_key = $3 OR created_at >= $2::timestamptz - interval '1 day')`,
    [customerId, now, candidate.dedupeKey],
  );
  if (duplicate) return { refused: 'DUPLICATE' };
  if (today >= cap) return { refused: 'DAILY_CAP' };
  const sequence = Number(last) + 1;
  await ctx.tx.query('UPDATE offer_sequence SET last_sequence = $2 WHERE customer_id = $1', [customerId, sequence]);
  const language = String(customer.locale).slice(0, 2);
  const reason = (language === 'es' && candidate.reason.es ? candidate.reason.es : candidate.reason.en).slice(0, MAX_REASON);
  const discount = candidate.discount;
  const percent = 'percent' in discount ? discount.percent : null;
  const amount = 'amount' in discount ? discount.amount : null;
  const currency = 'amount' in discount ? discount.currency : null;
  const expires = new Date(now.getTime() + ctx.config.offers.ttlHours * 3_600_000);
  const [row]: OfferRow[] = await ctx.tx.query(
    `INSERT INTO offer AS o (customer_id, sequence, dedupe_key, trigger, promotion_id, product_id, listing_id, discount_percent,
                             discount_amount, currency, reason, score, created_at, expires_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13)
     RETURNING ${OFFER_COLUMNS}`,
    [customerId, sequence, candidate.dedupeKey, candidate.trigger, candidate.promotionId ?? null, candidate.productId ?? null,
      candidate.listingId ?? null, percent, amount, currency, reason, candidate.score ?? 0, now, expires],
  );
  await emit(ctx, 'offer.created', { offerId: row!.id, customerId, sequence, offer: row! });
  return { offer: row! };
}
