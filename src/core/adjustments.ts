import type { Context } from './context';

/**
 * The checkout adjustment point (issue 10, CONTRACTS.md section B): discounts and surcharges that modules
 * (promotions, offers) and plugins (loyalty points) put on one seller's part of a cart or checkout. The cart
 * shows them, checkout re-runs them inside its transaction and stores what they gave on the order
 * (`order_adjustment`), and the invoice takes VAT on the adjusted amounts. Transport-free: imports no module.
 */
export type AdjustmentPhase = 'cart' | 'checkout';

export interface AdjustableLine {
  /** The cart line id (cart phase) or the purchase line's listing id (checkout). */
  key: string;
  listingId: string;
  productId: string;
  variantId: string;
  categoryId: string | null;
  quantity: number;
  /** Minor units, VAT included. */
  unitPrice: number;
  /** What is left of the line after the adjusters that ran before this one. */
  subtotal: number;
  taxClass: string;
  /** Per-line plugin options (i15); {} when none. */
  options: Record<string, unknown>;
}

/** One seller's part of a cart or checkout. */
export interface AdjustableGroup {
  phase: AdjustmentPhase;
  sellerId: string;
  currency: string;
  customerId: string | null;
  lines: AdjustableLine[];
  /** Goods after earlier adjusters' discounts, minor units. */
  subtotal: number;
  /** Shipping after earlier adjusters' shipping discounts. */
  shipping: number;
  /** The codes the shopper entered on the cart (all of them: each adjuster picks its own). */
  codes: string[];
}

export interface Adjustment {
  /** 'promotion', 'offer', 'plugin:<name>'. */
  source: string;
  /** E.g. the promotion id. */
  reference: string | null;
  /** Shown on cart, order and invoice lines. */
  label: string;
  kind: 'DISCOUNT' | 'SURCHARGE';
  /** > 0, minor units. */
  amount: number;
  /** The line it belongs to; null = the whole group (spread over its lines for VAT). */
  lineKey: string | null;
  target: 'ITEMS' | 'SHIPPING';
  /** Surcharges only (default: standard). */
  taxClass?: string;
}

export interface AdjustmentWarning {
  code: string;
  message: string;
}

export interface AdjustmentResult {
  adjustments: Adjustment[];
  warnings: AdjustmentWarning[];
}

export interface Adjuster<P = unknown> {
  name: string;
  /** Cart phase: any Context, read-only. Checkout phase: a TxContext inside the checkout transaction,
   *  where the adjuster may lock and consume (budgets, per-customer limits, points) and must be exact.
   *  `prefetched`: what `prefetch` answered for the checkout's groups (undefined without one). */
  adjust(ctx: Context, group: AdjustableGroup, prefetched?: P): Promise<AdjustmentResult>;
  /**
   * Optional, checkout phase: reads at once, in the checkout's transaction and before any group is adjusted,
   * what `adjust` would otherwise read group by group (one statement for every seller of the purchase instead
   * of one each: issue 14), and answers it for `adjust`. It may lock what `adjust` would have locked, in an
   * order every checkout follows.
   */
  prefetch?(ctx: Context, groups: readonly AdjustableGroup[]): Promise<P>;
  /**
   * Optional: adjusts several groups at once (checkout: every seller of the purchase, in seller id order), so
   * that what `adjust` would read, lock and write group by group takes a fixed number of statements for the whole
   * purchase (issue 14). Answers one result per group, in the groups' order; must answer what `adjust` would
   * have answered for each group. Without it, the host calls `adjust` group by group.
   */
  adjustAll?(ctx: Context, groups: readonly AdjustableGroup[], prefetched?: P): Promise<AdjustmentResult[]>;
}

declare module './context' {
  interface AppServices {
    /** Every module's adjusters (registry order), then one per plugin that declares `checkout.adjust`. */
    adjusters: readonly Adjuster[];
  }
}

/** An adjustment as applied: clamped to what was left, with its goods amount spread over the group's lines. */
export interface AppliedAdjustment extends Adjustment {
  /** Per line of the group (same order), the part of an ITEMS amount on that line; zeros for SHIPPING and surcharges. */
  perLine: number[];
}

export interface AdjustedGroup {
  adjustments: AppliedAdjustment[];
  warnings: AdjustmentWarning[];
  /** Per line (same order as the group's lines): the discounts on it. */
  lineDiscounts: number[];
  /** Discounts on goods and shipping together. */
  discount: number;
  surcharge: number;
  /** subtotal + shipping − discount + surcharge of the group as first given. */
  total: number;
}

/**
 * Splits `amount` over `weights` in proportion, rounding down and handing the cents left over to the
 * largest remainders (earliest first on ties): deterministic, and the parts add up to exactly `amount`.
 * Zero weights get nothing; with all weights zero everything stays unspread (all zeros).
 */
export function spreadAmount(amount: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || amount <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (amount * w) / sum);
  const parts = exact.map(Math.floor);
  let left = amount - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (weights[i]! > 0) {
      parts[i]! += 1;
      left -= 1;
    }
  }
  return parts;
}

/** Each adjuster's prefetch over a checkout's groups, in order, for runAdjusters to hand back to it. */
export async function prefetchAdjusters(ctx: Context, adjusters: readonly Adjuster[], groups: readonly AdjustableGroup[]): Promise<Map<Adjuster, unknown>> {
  const prefetched = new Map<Adjuster, unknown>();
  for (const adjuster of adjusters) if (adjuster.prefetch) prefetched.set(adjuster, await adjuster.prefetch(ctx, groups));
  return prefetched;
}

/**
 * Runs `adjusters` in order over one group. Each sees what the ones before it left (lines, subtotal and
 * shipping net of their discounts), so a discount can never exceed what is left: the host clamps any
 * adjustment that asks for more (an adjuster that consumes a budget should ask only for what it sees).
 * Group-level goods discounts are spread over the lines in proportion to what is left of each.
 */
export async function runAdjusters(
  ctx: Context,
  adjusters: readonly Adjuster[],
  group: AdjustableGroup,
  prefetched?: ReadonlyMap<Adjuster, unknown>,
): Promise<AdjustedGroup> {
  return (await runAdjustersOver(ctx, adjusters, [group], prefetched))[0]!;
}

/** One group's running state while the adjusters run over it. */
class GroupRun {
  readonly left: number[];
  shippingLeft: number;
  readonly applied: AppliedAdjustment[] = [];
  readonly warnings: AdjustmentWarning[] = [];
  surcharge = 0;

  constructor(readonly group: AdjustableGroup) {
    this.left = group.lines.map((l) => l.subtotal);
    this.shippingLeft = group.shipping;
  }

  /** The group as the next adjuster sees it: net of what the ones before it gave. */
  current(): AdjustableGroup {
    const { group, left } = this;
    return { ...group, lines: group.lines.map((l, i) => ({ ...l, subtotal: left[i]! })), subtotal: left.reduce((a, b) => a + b, 0), shipping: this.shippingLeft };
  }

  apply(result: AdjustmentResult): void {
    const { group, left } = this;
    this.warnings.push(...result.warnings);
    for (const a of result.adjustments) {
      if (!Number.isSafeInteger(a.amount) || a.amount <= 0) continue;
      const perLine = group.lines.map(() => 0);
      let amount = a.amount;
      if (a.kind === 'SURCHARGE') {
        this.surcharge += amount;
      } else if (a.target === 'SHIPPING') {
        amount = Math.min(amount, this.shippingLeft);
        this.shippingLeft -= amount;
      } else if (a.lineKey !== null) {
        const i = group.lines.findIndex((l) => l.key === a.lineKey);
        if (i < 0) continue;
        amount = Math.min(amount, left[i]!);
        perLine[i] = amount;
      } else {
        amount = Math.min(amount, left.reduce((x, y) => x + y, 0));
        spreadAmount(amount, left).forEach((part, i) => {
          perLine[i] = part;
        });
      }
      if (amount <= 0) continue;
      perLine.forEach((part, i) => {
        left[i]! -= part;
      });
      this.applied.push({ ...a, amount, perLine });
    }
  }

  result(): AdjustedGroup {
    const { group, left } = this;
    const lineDiscounts = group.lines.map((l, i) => l.subtotal - left[i]!);
    const discount = lineDiscounts.reduce((a, b) => a + b, 0) + (group.shipping - this.shippingLeft);
    return {
      adjustments: this.applied,
      warnings: this.warnings,
      lineDiscounts,
      discount,
      surcharge: this.surcharge,
      total: group.subtotal + group.shipping - discount + this.surcharge,
    };
  }
}

/**
 * runAdjusters over several groups (checkout: one per seller, in seller id order): each adjuster runs over
 * every group before the next one does, through its `adjustAll` when it has one (one batch of statements for
 * the purchase instead of one per group: issue 14), else group by group. The groups are independent, so each
 * gets what runAdjusters would give it alone.
 */
export async function runAdjustersOver(
  ctx: Context,
  adjusters: readonly Adjuster[],
  groups: readonly AdjustableGroup[],
  prefetched?: ReadonlyMap<Adjuster, unknown>,
): Promise<AdjustedGroup[]> {
  const runs = groups.map((g) => new GroupRun(g));
  for (const adjuster of adjusters) {
    const own = prefetched?.get(adjuster);
    if (adjuster.adjustAll) {
      const results = await adjuster.adjustAll(ctx, runs.map((r) => r.current()), own);
      for (const [i, r] of runs.entries()) r.apply(results[i]!);
    } else {
      for (const r of runs) r.apply(await adjuster.adjust(ctx, r.current(), own));
    }
  }
  return runs.map((r) => r.result());
}
