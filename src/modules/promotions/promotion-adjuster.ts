import type { AdjustableGroup, Adjuster, Adjustment, AdjustmentResult, AdjustmentWarning } from '../../core/adjustments';
import type { Context, TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { choosePromotions, linesInScope, promotionAdjustments, totalOf, type Candidate } from './promotion-engine';
import { customerMatches } from './promotion-eligibility';
import { candidatesBySeller, type LoadedPromotion } from './promotion.loaders';
import type { PromotionRow } from './promotion.rows';
import { preparedTxQuery } from '../../db/prepared-query';

/** Codes are compared in upper case, without surrounding blanks. */
export const normalizeCode = (code: string) => code.trim().toUpperCase();

/** Checkout's candidates of every seller, read by the adjuster's prefetch; absent: read group by group. */
type PrefetchedCandidates = ReadonlyMap<string, LoadedPromotion[]> | undefined;

async function loadPromotions(ctx: Context, group: AdjustableGroup, codes: string[], prefetched?: PrefetchedCandidates): Promise<LoadedPromotion[]> {
  if (prefetched) return prefetched.get(group.sellerId) ?? [];
  if (!ctx.tx) return ctx.loaders.promotionCandidates.load({ sellerId: group.sellerId, currency: group.currency, codes });
  // Checkout: read inside its transaction (the limits and budget are re-read under lock in consume()).
  return (await candidatesBySeller(ctx.tx, [group.sellerId], group.currency, codes)).get(group.sellerId) ?? [];
}

async function liveRedemptions(ctx: Context, customerId: string, promotionIds: string[]): Promise<Map<string, number>> {
  if (!promotionIds.length) return new Map();
  const db = ctx.tx ?? ctx.db;
  const rows: { id: string; n: number }[] = await db.query(
    `SELECT promotion_id AS id, count(*)::int AS n FROM promotion_redemption
      WHERE customer_id = $1 AND promotion_id = ANY($2::uuid[]) AND reversed_at IS NULL GROUP BY promotion_id`,
    [customerId, promotionIds],
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

export interface Rejection {
  candidate: Candidate;
  reason: ErrorCode;
  message: string;
}

export interface Evaluation {
  eligible: Candidate[];
  rejected: Rejection[];
}

const budgetLeft = (p: PromotionRow) => (p.budget === null ? Number.POSITIVE_INFINITY : p.budget - p.budgetUsed);

/**
 * Which of the seller's promotions may apply to the group now, and why the others may not: the rules of
 * state, dates, scope, minimum, targeting (signed-in, consenting customers only), per-customer limit,
 * single-use codes and budget. Read-only: checkout re-checks limits and budget under the row lock.
 */
export async function evaluatePromotions(
  ctx: Context,
  group: AdjustableGroup,
  codes = group.codes.map(normalizeCode),
  prefetched?: PrefetchedCandidates,
): Promise<Evaluation> {
  const loaded = await loadPromotions(ctx, group, codes, prefetched);
  const limited = loaded.filter((l) => l.promotion.perCustomerLimit !== null).map((l) => l.promotion.id);
  const used = group.customerId ? await liveRedemptions(ctx, group.customerId, limited) : new Map<string, number>();
  const eligible: Candidate[] = [];
  const rejected: Rejection[] = [];
  for (const l of loaded) {
    const p = l.promotion;
    const candidate: Candidate = { promotion: p, code: p.trigger === 'AUTOMATIC' ? null : (l.uniqueCode ?? normalizeCode(p.code!)) };
    const reject = (reason: ErrorCode, message: string) => rejected.push({ candidate, reason, message: `${p.name}: ${message}` });
    if (p.status !== 'active') reject(ErrorCode.PROMOTION_INACTIVE, 'this promotion is not running now.');
    else if (!l.started) reject(ErrorCode.PROMOTION_NOT_STARTED, `this promotion starts on ${p.startsAt.toISOString()}.`);
    else if (!l.running) reject(ErrorCode.PROMOTION_EXPIRED, 'this promotion has ended.');
    else if (l.codeUsed) reject(ErrorCode.PROMOTION_LIMIT_REACHED, 'this code has already been used.');
    else if (!linesInScope(p, group.lines).length || (p.kind === 'FREE_SHIPPING' && group.shipping === 0)) {
      reject(ErrorCode.PROMOTION_NOT_FOR_SELLER, 'nothing in the cart is eligible for this promotion.');
    } else if (group.subtotal < p.minSubtotal) reject(ErrorCode.PROMOTION_BELOW_MINIMUM, `it needs a subtotal of at least ${p.minSubtotal} (minor units) with this seller.`);
    else if (p.perCustomerLimit !== null && !group.customerId) reject(ErrorCode.PROMOTION_NOT_ELIGIBLE, 'sign in to use this promotion.');
    else if (p.perCustomerLimit !== null && (used.get(p.id) ?? 0) >= p.perCustomerLimit) reject(ErrorCode.PROMOTION_LIMIT_REACHED, 'you have used this promotion as often as it allows.');
    else if (p.targeting && !(group.customerId && (await customerMatches(ctx, p.targeting, group.customerId, p.sellerId)))) {
      reject(ErrorCode.PROMOTION_NOT_ELIGIBLE, 'this promotion is for other customers.');
    } else if (budgetLeft(p) < totalOf(promotionAdjustments(candidate, group))) reject(ErrorCode.PROMOTION_BUDGET_EXHAUSTED, 'its budget has run out.');
    else eligible.push(candidate);
  }
  return { eligible, rejected };
}

/**
 * Consumes what the chosen promotions need, inside checkout's transaction: their rows locked FOR NO KEY
 * UPDATE in id order (one seller group at a time, sellers in id order: no deadlock between checkouts),
 * then the budget and the customer's uses re-read and taken. A promotion that no longer fits is dropped
 * with a warning and its items are charged without it; the others keep their amounts (never more than is left).
 */
async function consume(ctx: TxContext, group: AdjustableGroup, applied: { candidate: Candidate; adjustments: Adjustment[] }[]): Promise<{ kept: Adjustment[]; warnings: AdjustmentWarning[] }> {
  const { tx } = ctx;
  const needLock = applied.filter((a) => a.candidate.promotion.budget !== null || a.candidate.promotion.perCustomerLimit !== null).map((a) => a.candidate.promotion.id);
  const locked = new Map<string, { budget: number | null; budgetUsed: number }>();
  if (needLock.length) {
    const rows: { id: string; budget: number | null; budgetUsed: number }[] = await tx.query(
      'SELECT id, budget, budget_used AS "budgetUsed" FROM promotion WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
      [needLock],
    );
    for (const r of rows) locked.set(r.id, r);
  }
  const used = await liveRedemptions(ctx, group.customerId!, needLock);
  const kept: Adjustment[] = [];
  const warnings: AdjustmentWarning[] = [];
  for (const { candidate, adjustments } of applied.sort((a, b) => (a.candidate.promotion.id < b.candidate.promotion.id ? -1 : 1))) {
    const p = candidate.promotion;
    const amount = totalOf(adjustments);
    const now = locked.get(p.id);
    const drop = (code: ErrorCode, message: string) => warnings.push({ code, message: `${p.name}: ${message} Charged without it.` });
    if (p.perCustomerLimit !== null && (used.get(p.id) ?? 0) >= p.perCustomerLimit) {
      drop(ErrorCode.PROMOTION_LIMIT_REACHED, 'you have used this promotion as often as it allows.');
      continue;
    }
    if (now && now.budget !== null && now.budget - now.budgetUsed < amount) {
      drop(ErrorCode.PROMOTION_BUDGET_EXHAUSTED, 'its budget ran out.');
      continue;
    }
    if (p.trigger === 'UNIQUE_CODES') {
      const [taken]: [unknown[], number] = await tx.query(
        'UPDATE promotion_code SET redeemed_by = $2, redeemed_at = now() WHERE code = $1 AND promotion_id = $3 AND redeemed_at IS NULL RETURNING code',
        [candidate.code, group.customerId, p.id],
      );
      if (!taken.length) {
        drop(ErrorCode.PROMOTION_LIMIT_REACHED, 'this code has already been used.');
        continue;
      }
    }
    if (now?.budget != null) await tx.query('UPDATE promotion SET budget_used = budget_used + $2 WHERE id = $1', [p.id, amount]);
    kept.push(...adjustments);
  }
  return { kept, warnings };
}

/** Warnings for what the shopper asked for (a code) or expected (checkout) and did not get. */
function rejectionWarnings(rejected: Rejection[], phase: AdjustableGroup['phase']): AdjustmentWarning[] {
  return rejected
    .filter((r) => r.candidate.code !== null || (phase === 'checkout' && (r.reason === ErrorCode.PROMOTION_BUDGET_EXHAUSTED || r.reason === ErrorCode.PROMOTION_LIMIT_REACHED)))
    .map((r) => ({ code: r.reason, message: r.message }));
}

/** The promotions module's adjuster: every seller group gets its seller's best promotions. */
export const promotionAdjuster: Adjuster<PrefetchedCandidates> = {
  name: 'promotions',
  /** Checkout: every seller's candidates in one statement, in its transaction (when its groups share a currency, as they do). */
  async prefetch(ctx, groups) {
    const currency = groups[0]?.currency;
    const inTx = ctx.tx;
    if (!inTx || !currency || groups.some((g) => g.currency !== currency)) return undefined;
    // One of the purchase's hot statements: prepared (db/prepared-query.ts, preparedTxQuery).
    const tx = { query: (text: string, values: unknown[]) => preparedTxQuery(inTx, text, values) };
    return candidatesBySeller(tx, groups.map((g) => g.sellerId), currency, groups[0]!.codes.map(normalizeCode));
  },
  async adjust(ctx: Context, group: AdjustableGroup, prefetched?: PrefetchedCandidates): Promise<AdjustmentResult> {
    const { eligible, rejected } = await evaluatePromotions(ctx, group, group.codes.map(normalizeCode), prefetched);
    const choice = choosePromotions(eligible, group);
    const warnings = rejectionWarnings(rejected, group.phase);
    for (const c of choice.outdone) {
      if (c.code !== null) warnings.push({ code: ErrorCode.PROMOTION_NOT_COMBINABLE, message: `${c.promotion.name}: another promotion gives you more on these items.` });
    }
    if (group.phase === 'cart' || !choice.applied.length) return { adjustments: choice.applied.flatMap((a) => a.adjustments), warnings };
    const { kept, warnings: dropped } = await consume(ctx as TxContext, group, choice.applied);
    return { adjustments: kept, warnings: [...warnings, ...dropped] };
  },
};
