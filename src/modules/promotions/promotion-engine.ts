import type { AdjustableGroup, AdjustableLine, Adjustment } from '../../core/adjustments';
import { spreadAmount } from '../../core/adjustments';
import type { PromotionRow } from './promotion.rows';

/** A promotion that may apply to a group, with the code that triggered it (null when automatic). */
export interface Candidate {
  promotion: PromotionRow;
  code: string | null;
}

/** The lines a promotion's scope covers. */
export function linesInScope(p: Pick<PromotionRow, 'scope' | 'scopeIds'>, lines: readonly AdjustableLine[]): AdjustableLine[] {
  if (p.scope === 'ALL') return [...lines];
  const ids = new Set(p.scopeIds);
  const key = { LISTINGS: 'listingId', PRODUCTS: 'productId', CATEGORIES: 'categoryId' } as const;
  return lines.filter((l) => {
    const value = l[key[p.scope as keyof typeof key]];
    return value !== null && ids.has(value);
  });
}

/**
 * What one promotion gives on `group` (already net of what was applied before it): a percentage of each
 * line in scope (rounded down per line), a fixed amount spread over the lines in scope in proportion
 * (never more than they cost), or the group's shipping. ALL-scope discounts are one group-level line.
 */
export function promotionAdjustments({ promotion: p, code }: Candidate, group: AdjustableGroup): Adjustment[] {
  const base = { source: 'promotion', reference: code && p.trigger === 'UNIQUE_CODES' ? `${p.id}:${code}` : p.id, label: p.name, kind: 'DISCOUNT' as const };
  if (p.kind === 'FREE_SHIPPING') {
    return group.shipping > 0 ? [{ ...base, amount: group.shipping, lineKey: null, target: 'SHIPPING' }] : [];
  }
  const lines = linesInScope(p, group.lines).filter((l) => l.subtotal > 0);
  const inScope = lines.reduce((sum, l) => sum + l.subtotal, 0);
  if (inScope === 0) return [];
  if (p.kind === 'PERCENTAGE') {
    const percent = p.percentOff ?? 0;
    if (p.scope === 'ALL') return positive([{ ...base, amount: Math.floor((inScope * percent) / 100), lineKey: null, target: 'ITEMS' }]);
    return positive(lines.map((l) => ({ ...base, amount: Math.floor((l.subtotal * percent) / 100), lineKey: l.key, target: 'ITEMS' as const })));
  }
  const amount = Math.min(p.amountOff ?? 0, inScope);
  if (p.scope === 'ALL') return positive([{ ...base, amount, lineKey: null, target: 'ITEMS' }]);
  const parts = spreadAmount(amount, lines.map((l) => l.subtotal));
  return positive(lines.map((l, i) => ({ ...base, amount: parts[i]!, lineKey: l.key, target: 'ITEMS' as const })));
}

const positive = (list: Adjustment[]) => list.filter((a) => a.amount > 0);
export const totalOf = (list: readonly Adjustment[]) => list.reduce((sum, a) => sum + a.amount, 0);

/** The group after `adjustments`: what is left of each line and of shipping (group-level amounts spread as the host spreads them). */
export function afterAdjustments(group: AdjustableGroup, adjustments: readonly Adjustment[]): AdjustableGroup {
  const left = group.lines.map((l) => l.subtotal);
  let shipping = group.shipping;
  for (const a of adjustments) {
    if (a.target === 'SHIPPING') shipping -= Math.min(a.amount, shipping);
    else if (a.lineKey !== null) {
      const i = group.lines.findIndex((l) => l.key === a.lineKey);
      if (i >= 0) left[i]! -= Math.min(a.amount, left[i]!);
    } else {
      const parts = spreadAmount(Math.min(a.amount, left.reduce((x, y) => x + y, 0)), left);
      parts.forEach((part, i) => {
        left[i]! -= part;
      });
    }
  }
  return { ...group, lines: group.lines.map((l, i) => ({ ...l, subtotal: left[i]! })), subtotal: left.reduce((x, y) => x + y, 0), shipping };
}

const byPriority = (a: Candidate, b: Candidate) => b.promotion.priority - a.promotion.priority || (a.promotion.id < b.promotion.id ? -1 : 1);

export interface Choice {
  applied: { candidate: Candidate; adjustments: Adjustment[] }[];
  /** Candidates left out because another choice gave the shopper more. */
  outdone: Candidate[];
}

/**
 * Stacking (issue 10): stackable promotions apply together, highest priority first (ties: oldest id), each
 * on what the ones before it left; an exclusive promotion applies alone. The shopper gets whichever is
 * worth more: the best exclusive one or the stack (ties go to the stack). Deterministic for equal inputs.
 */
export function choosePromotions(candidates: readonly Candidate[], group: AdjustableGroup): Choice {
  const stackable = candidates.filter((c) => c.promotion.stacking === 'STACKABLE').sort(byPriority);
  const exclusive = candidates.filter((c) => c.promotion.stacking === 'EXCLUSIVE').sort(byPriority);
  const stack: Choice['applied'] = [];
  let rest = group;
  for (const candidate of stackable) {
    const adjustments = promotionAdjustments(candidate, rest);
    if (!adjustments.length) continue;
    stack.push({ candidate, adjustments });
    rest = afterAdjustments(rest, adjustments);
  }
  const stackTotal = stack.reduce((sum, s) => sum + totalOf(s.adjustments), 0);
  let best: Choice['applied'][number] | null = null;
  for (const candidate of exclusive) {
    const adjustments = promotionAdjustments(candidate, group);
    if (totalOf(adjustments) > (best ? totalOf(best.adjustments) : 0)) best = { candidate, adjustments };
  }
  const applied = best && totalOf(best.adjustments) > stackTotal ? [best] : stack;
  const chosen = new Set(applied.map((a) => a.candidate));
  return { applied, outdone: candidates.filter((c) => !chosen.has(c) && promotionAdjustments(c, group).length > 0) };
}
