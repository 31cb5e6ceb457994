import type { AdjustableGroup, Adjuster, Adjustment, AdjustmentResult, AdjustmentWarning } from '../../core/adjustments';
import type { Context, TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { choosePromotions, linesInScope, promotionAdjustments, totalOf, type Candidate } from './promotion-engine';
import { customerFacts, liveRedemptionsSql, type CustomerFacts } from './promotion-eligibility';
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
  return (await candidatesBySeller(ctx.tx, [group.sellerId], group.currency, codes, ctx.now())).get(group.sellerId) ?? [];
}

async function liveRedemptions(ctx: Context, customerId: string, promotionIds: string[]): Promise<Map<string, number>> {
  if (!promotionIds.length) return new Map();
  const db = ctx.tx ?? ctx.db;
  const rows: { id: string; n: number }[] = await db.query(
    `SELECT r.promotion_id AS id, r.n FROM (${liveRedemptionsSql('$1::uuid', '$2::uuid[]')}) r`,
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

/** Why a candidate is out whatever the customer has used or matches (the checks before the per-customer limit); null: it is not. */
function ruledOut(l: LoadedPromotion, group: AdjustableGroup): [ErrorCode, string] | null {
  const p = l.promotion;
  if (p.status !== 'active') return [ErrorCode.PROMOTION_INACTIVE, 'this promotion is not running now.'];
  if (!l.started) return [ErrorCode.PROMOTION_NOT_STARTED, `this promotion starts on ${p.startsAt.toISOString()}.`];
  if (!l.running) return [ErrorCode.PROMOTION_EXPIRED, 'this promotion has ended.'];
  if (l.codeUsed) return [ErrorCode.PROMOTION_LIMIT_REACHED, 'this code has already been used.'];
  if (!linesInScope(p, group.lines).length || (p.kind === 'FREE_SHIPPING' && group.shipping === 0)) {
    return [ErrorCode.PROMOTION_NOT_FOR_SELLER, 'nothing in the cart is eligible for this promotion.'];
  }
  if (group.subtotal < p.minSubtotal) return [ErrorCode.PROMOTION_BELOW_MINIMUM, `it needs a subtotal of at least ${p.minSubtotal} (minor units) with this seller.`];
  if (p.perCustomerLimit !== null && !group.customerId) return [ErrorCode.PROMOTION_NOT_ELIGIBLE, 'sign in to use this promotion.'];
  return null;
}

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
  return (await evaluateGroups(ctx, [group], [codes], prefetched))[0]!;
}

/**
 * evaluatePromotions over several groups of one customer (checkout: every seller of the purchase), with what
 * the customer has used and matches read in one statement for all of them (customerFacts; issue 14: a count
 * and a targeting read per group and targeted promotion before). Each group's answer is evaluatePromotions'.
 */
async function evaluateGroups(
  ctx: Context,
  groups: readonly AdjustableGroup[],
  codes: readonly string[][],
  prefetched?: PrefetchedCandidates,
): Promise<Evaluation[]> {
  const loaded: LoadedPromotion[][] = [];
  for (const [i, group] of groups.entries()) loaded.push(await loadPromotions(ctx, group, codes[i]!, prefetched));
  const pre = loaded.map((list, i) => list.map((l) => ruledOut(l, groups[i]!)));
  // One customer per purchase; groups of different customers (none today) each get their own statement.
  const facts = new Map<string, CustomerFacts & { asked: Map<LoadedPromotion, number> }>();
  for (const customerId of new Set(groups.map((g) => g.customerId))) {
    if (!customerId) continue;
    const mine = groups.flatMap((g, i) => (g.customerId === customerId ? [i] : []));
    const limited = mine.flatMap((i) => loaded[i]!.filter((l) => l.promotion.perCustomerLimit !== null).map((l) => l.promotion.id));
    // Targeting is asked only of candidates the checks before it left in (their limit is in the same statement).
    const targeted = mine.flatMap((i) => loaded[i]!.filter((l, k) => l.promotion.targeting && !pre[i]![k]));
    const read = await customerFacts(ctx, customerId, limited, targeted.map((l) => ({ rule: l.promotion.targeting!, sellerId: l.promotion.sellerId })));
    facts.set(customerId, { ...read, asked: new Map(targeted.map((l, k) => [l, k])) });
  }
  return groups.map((group, i) => {
    const known = group.customerId ? facts.get(group.customerId) : undefined;
    const eligible: Candidate[] = [];
    const rejected: Rejection[] = [];
    for (const [k, l] of loaded[i]!.entries()) {
      const p = l.promotion;
      const candidate: Candidate = { promotion: p, code: p.trigger === 'AUTOMATIC' ? null : (l.uniqueCode ?? normalizeCode(p.code!)) };
      const reject = (reason: ErrorCode, message: string) => rejected.push({ candidate, reason, message: `${p.name}: ${message}` });
      const out = pre[i]![k];
      if (out) reject(...out);
      else if (p.perCustomerLimit !== null && (known?.used.get(p.id) ?? 0) >= p.perCustomerLimit) reject(ErrorCode.PROMOTION_LIMIT_REACHED, 'you have used this promotion as often as it allows.');
      else if (p.targeting && !known?.matches[known.asked.get(l)!]) reject(ErrorCode.PROMOTION_NOT_ELIGIBLE, 'this promotion is for other customers.');
      else if (budgetLeft(p) < totalOf(promotionAdjustments(candidate, group))) reject(ErrorCode.PROMOTION_BUDGET_EXHAUSTED, 'its budget has run out.');
      else eligible.push(candidate);
    }
    return { eligible, rejected };
  });
}

type Applied = { candidate: Candidate; adjustments: Adjustment[] };

/**
 * Consumes what the chosen promotions of every group need, inside checkout's transaction: their rows locked
 * FOR NO KEY UPDATE in id order (all the purchase's at once; every checkout locks them in that order: no
 * deadlock between checkouts), then the budget and the customer's uses re-read and taken. A promotion that no
 * longer fits is dropped with a warning and its items are charged without it; the others keep their amounts
 * (never more than is left). At most four statements for the whole purchase (lock, uses, single-use codes,
 * budgets), whatever the number of sellers (issue 14: up to four per seller group before).
 */
async function consume(ctx: TxContext, groups: readonly AdjustableGroup[], applied: readonly Applied[][]): Promise<{ kept: Adjustment[]; warnings: AdjustmentWarning[] }[]> {
  const { tx } = ctx;
  const needLock = [
    ...new Set(applied.flat().filter((a) => a.candidate.promotion.budget !== null || a.candidate.promotion.perCustomerLimit !== null).map((a) => a.candidate.promotion.id)),
  ];
  const locked = new Map<string, { budget: number | null; budgetUsed: number }>();
  if (needLock.length) {
    const rows: { id: string; budget: number | null; budgetUsed: number }[] = await tx.query(
      'SELECT id, budget, budget_used AS "budgetUsed" FROM promotion WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
      [needLock],
    );
    for (const r of rows) locked.set(r.id, r);
  }
  // After the lock, in a statement of its own: its snapshot sees the redemptions of checkouts that held it before us.
  const customerId = groups.find((g) => g.customerId)?.customerId;
  const used = customerId ? await liveRedemptions(ctx, customerId, needLock) : new Map<string, number>();
  const results = groups.map(() => ({ kept: [] as Adjustment[], warnings: [] as AdjustmentWarning[] }));
  // What each budget has left, less what the candidates before took of it: one promotion can be chosen twice (two
  // of its single-use codes on one cart, stackable), and each must fit what the other left.
  const remaining = new Map([...locked].flatMap(([id, r]) => (r.budget === null ? [] : [[id, r.budget - r.budgetUsed] as const])));
  const passed: { i: number; a: Applied }[] = [];
  for (const [i, list] of applied.entries()) {
    for (const a of [...list].sort((x, y) => (x.candidate.promotion.id < y.candidate.promotion.id ? -1 : 1))) {
      const p = a.candidate.promotion;
      const amount = totalOf(a.adjustments);
      const left = remaining.get(p.id);
      const drop = (code: ErrorCode, message: string) => results[i]!.warnings.push({ code, message: `${p.name}: ${message} Charged without it.` });
      if (p.perCustomerLimit !== null && (used.get(p.id) ?? 0) >= p.perCustomerLimit) drop(ErrorCode.PROMOTION_LIMIT_REACHED, 'you have used this promotion as often as it allows.');
      else if (left !== undefined && left < amount) drop(ErrorCode.PROMOTION_BUDGET_EXHAUSTED, 'its budget ran out.');
      else {
        // Reserved before the codes are taken: a code taken meanwhile leaves its share unspent, never overspent.
        if (left !== undefined) remaining.set(p.id, left - amount);
        passed.push({ i, a });
      }
    }
  }
  const coded = passed.filter(({ a }) => a.candidate.promotion.trigger === 'UNIQUE_CODES');
  const taken = new Set<string>();
  if (coded.length) {
    // The codes locked in (promotion id, code) order first: every checkout takes them in that order.
    // An UPDATE answers [rows, affected] through TypeORM.
    const [rows]: [{ code: string }[], number] = await tx.query(
      `WITH wanted AS (
         SELECT pc.code FROM promotion_code pc JOIN unnest($1::text[], $2::uuid[], $3::uuid[]) x(code, promotion_id, customer_id)
             ON pc.code = x.code AND pc.promotion_id = x.promotion_id
          WHERE pc.redeemed_at IS NULL ORDER BY pc.promotion_id, pc.code FOR NO KEY UPDATE OF pc)
       UPDATE promotion_code pc SET redeemed_by = x.customer_id, redeemed_at = now()
         FROM wanted, unnest($1::text[], $2::uuid[], $3::uuid[]) x(code, promotion_id, customer_id)
        WHERE pc.code = wanted.code AND x.code = pc.code AND x.promotion_id = pc.promotion_id AND pc.redeemed_at IS NULL
       RETURNING pc.code`,
      [coded.map(({ a }) => a.candidate.code), coded.map(({ a }) => a.candidate.promotion.id), coded.map(({ i }) => groups[i]!.customerId)],
    );
    for (const r of rows) taken.add(r.code);
  }
  // Per promotion, the sum of what its kept candidates spend: an UPDATE … FROM updates a row once, whatever the
  // number of source rows it joins.
  const spent = new Map<string, number>();
  for (const { i, a } of passed) {
    const p = a.candidate.promotion;
    if (p.trigger === 'UNIQUE_CODES' && !taken.has(a.candidate.code!)) {
      results[i]!.warnings.push({ code: ErrorCode.PROMOTION_LIMIT_REACHED, message: `${p.name}: this code has already been used. Charged without it.` });
      continue;
    }
    if (remaining.has(p.id)) spent.set(p.id, (spent.get(p.id) ?? 0) + totalOf(a.adjustments));
    results[i]!.kept.push(...a.adjustments);
  }
  if (spent.size) {
    await tx.query('UPDATE promotion SET budget_used = budget_used + x.amount FROM unnest($1::uuid[], $2::bigint[]) x(id, amount) WHERE promotion.id = x.id', [
      [...spent.keys()],
      [...spent.values()],
    ]);
  }
  return results;
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
    return candidatesBySeller(tx, groups.map((g) => g.sellerId), currency, groups[0]!.codes.map(normalizeCode), ctx.now());
  },
  async adjust(ctx: Context, group: AdjustableGroup, prefetched?: PrefetchedCandidates): Promise<AdjustmentResult> {
    return (await adjustGroups(ctx, [group], prefetched))[0]!;
  },
  /** Every group of a checkout at once: a fixed number of statements for the purchase, not per seller (issue 14). */
  adjustAll: adjustGroups,
};

async function adjustGroups(ctx: Context, groups: readonly AdjustableGroup[], prefetched?: PrefetchedCandidates): Promise<AdjustmentResult[]> {
  const evaluations = await evaluateGroups(ctx, groups, groups.map((g) => g.codes.map(normalizeCode)), prefetched);
  const choices = groups.map((group, i) => {
    const { eligible, rejected } = evaluations[i]!;
    const choice = choosePromotions(eligible, group);
    const warnings = rejectionWarnings(rejected, group.phase);
    for (const c of choice.outdone) {
      if (c.code !== null) warnings.push({ code: ErrorCode.PROMOTION_NOT_COMBINABLE, message: `${c.promotion.name}: another promotion gives you more on these items.` });
    }
    return { choice, warnings };
  });
  // Cart phase: nothing is consumed. Checkout: only groups that chose something (as consume ran only for them).
  const consuming = groups.flatMap((g, i) => (g.phase === 'checkout' && choices[i]!.choice.applied.length ? [i] : []));
  const consumed = consuming.length
    ? await consume(ctx as TxContext, consuming.map((i) => groups[i]!), consuming.map((i) => choices[i]!.choice.applied))
    : [];
  return choices.map(({ choice, warnings }, i) => {
    const k = consuming.indexOf(i);
    if (k < 0) return { adjustments: choice.applied.flatMap((a) => a.adjustments), warnings };
    return { adjustments: consumed[k]!.kept, warnings: [...warnings, ...consumed[k]!.warnings] };
  });
}
