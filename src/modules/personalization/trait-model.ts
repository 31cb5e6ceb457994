/**
 * The trait model (README.md): a pure function of a customer's aggregates and a reference time. Both the
 * incremental update and `zoco traits --recompute` call it, on aggregates that are integer sums (equal in
 * any order), so they agree exactly.
 */

const DAY_MS = 86_400_000;
/** Prior probability that a customer is still active, before looking at their silence. */
const PRIOR_ALIVE = 0.9;
/** Expected days between visits of someone who browses but has not bought within the year. */
const BROWSER_GAP_DAYS = 60;
/** Affinities kept per customer (the strongest). */
export const MAX_AFFINITIES = 10;

export interface ScoredTarget {
  targetId: string;
  /** Decayed, weighted interest (AFFINITY_WEIGHT × 2^(-age/half-life)). */
  score: number;
}

export interface TraitInputs {
  tRef: Date;
  lastOrderAt: Date | null;
  orders365: number;
  monetary365: number;
  /** Orders of the year with a discount or bought on a price drop (PRICE_DROP_WINDOW_DAYS). */
  priceDriven365: number;
  /** Of those, the orders bought on a price drop. */
  afterPriceDrop365: number;
  lastSeenAt: Date | null;
  categories: ScoredTarget[];
  sellers: ScoredTarget[];
  /** Events per channel in the last 90 days. */
  channels: { channel: string; events: number }[];
}

export interface Traits {
  evaluatedAt: Date;
  lastOrderAt: Date | null;
  recencyDays: number | null;
  orders365: number;
  monetary365: number;
  avgOrderValue: number;
  /** Days between purchases the model expects of this customer. */
  expectedGapDays: number;
  /** Days of silence the churn risk is based on (since the last order, else the last visit). */
  silentDays: number;
  predictedValue12m: number;
  churnRisk: number;
  priceSensitivity: number;
  priceDriven365: number;
  afterPriceDrop365: number;
  lastSeenAt: Date | null;
  channelMix: Record<string, number>;
  categories: ScoredTarget[];
  sellers: ScoredTarget[];
}

/** Rounded to 4 decimals: stored as `real`, compared exactly between incremental and recompute. */
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Shares of the total, strongest first (ties by id), at most MAX_AFFINITIES. */
function shares(targets: ScoredTarget[]): ScoredTarget[] {
  const sorted = [...targets].filter((t) => t.score > 0).sort((a, b) => (a.targetId < b.targetId ? -1 : 1));
  const total = sorted.reduce((sum, t) => sum + t.score, 0);
  if (total <= 0) return [];
  return sorted
    .map((t) => ({ targetId: t.targetId, score: round4(t.score / total) }))
    .sort((a, b) => b.score - a.score || (a.targetId < b.targetId ? -1 : 1))
    .slice(0, MAX_AFFINITIES);
}

export function evaluateTraits(i: TraitInputs): Traits {
  const t = i.tRef.getTime();
  const recencyDays = i.lastOrderAt ? Math.max(0, (t - i.lastOrderAt.getTime()) / DAY_MS) : null;
  const seenDays = i.lastSeenAt ? Math.max(0, (t - i.lastSeenAt.getTime()) / DAY_MS) : 0;
  // Purchases as a Poisson process of rate F/365 (one added as a prior, so a single order does not mean
  // "every 365 days forever"): the longer the silence compared to the usual gap, the less likely the
  // customer is still active (Bayes on the prior), the BG/NBD idea without its fitted parameters.
  const expectedGapDays = i.lastOrderAt ? 365 / (i.orders365 + 1) : BROWSER_GAP_DAYS;
  const silentDays = recencyDays ?? seenDays;
  const silence = Math.exp(-silentDays / expectedGapDays);
  const alive = (PRIOR_ALIVE * silence) / (PRIOR_ALIVE * silence + (1 - PRIOR_ALIVE));
  const avgOrderValue = i.orders365 > 0 ? Math.floor(i.monetary365 / i.orders365) : 0;
  const channelTotal = i.channels.reduce((sum, c) => sum + c.events, 0);
  const channelMix: Record<string, number> = {};
  for (const c of [...i.channels].sort((a, b) => (a.channel < b.channel ? -1 : 1))) {
    if (c.events > 0) channelMix[c.channel] = round4(c.events / channelTotal);
  }
  return {
    evaluatedAt: i.tRef,
    lastOrderAt: i.lastOrderAt,
    recencyDays: recencyDays === null ? null : Math.floor(recencyDays),
    orders365: i.orders365,
    monetary365: i.monetary365,
    avgOrderValue,
    expectedGapDays: round4(expectedGapDays),
    silentDays: Math.floor(silentDays),
    // If still active, another year like the last one.
    predictedValue12m: Math.round(alive * i.monetary365),
    churnRisk: round4(1 - alive),
    // Laplace's rule: with no purchases it is 0.5, "we don't know".
    priceSensitivity: round4((i.priceDriven365 + 1) / (i.orders365 + 2)),
    priceDriven365: i.priceDriven365,
    afterPriceDrop365: i.afterPriceDrop365,
    lastSeenAt: i.lastSeenAt,
    channelMix,
    categories: shares(i.categories),
    sellers: shares(i.sellers),
  };
}
