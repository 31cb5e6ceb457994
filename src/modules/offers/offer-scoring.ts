/**
 * The expected value of an offer for one customer (src/modules/offers/README.md, "Scoring"). Pure: the
 * engine reads the inputs from the customer's traits (issue 10) and the product, and stores the score.
 */
export interface ScoringInput {
  /** The customer's share of interest in the product's category and seller (affinities sum to 1), null when unknown. */
  categoryAffinity: number | null;
  sellerAffinity: number | null;
  /** 0 (indifferent to price) to 1 (buys on discount), null when unknown. */
  priceSensitivity: number | null;
  /** Predicted spend over the next 12 months, minor units. */
  predictedValue12m: number;
  /** The price the discount applies to, minor units. */
  unitPrice: number;
  /** A promotion's fixed depth (%): the engine may only offer that one. */
  promotionPercent?: number | null;
}

/** Depths the engine chooses among when no promotion fixes one. */
export const DEPTHS = [5, 10, 15, 20, 25] as const;
/** The gross margin assumed on a sale, as a share of the price. */
export const MARGIN = 0.3;
/** The share of a customer's predicted 12-month value that a converted offer keeps (retention). */
export const RETENTION = 0.05;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** How likely the customer takes an offer of `depth` %. */
export function acceptance(input: ScoringInput, depth: number): number {
  const affinity = clamp(2 * Math.max(input.categoryAffinity ?? 0.15, input.sellerAffinity ?? 0.15), 0, 1);
  const sensitivity = clamp(input.priceSensitivity ?? 0.5, 0, 1);
  return clamp(0.05 + 0.45 * affinity + 0.5 * sensitivity * Math.min(1, depth / 25), 0, 0.95);
}

/** EV(d) = P(accept | d) × (price × (MARGIN − d) + RETENTION × predicted 12-month value), minor units. */
export function expectedValue(input: ScoringInput, depth: number): number {
  return acceptance(input, depth) * (input.unitPrice * (MARGIN - depth / 100) + RETENTION * input.predictedValue12m);
}

/** The depth with the highest expected value (the promotion's when it fixes one) and that value. */
export function chooseDiscount(input: ScoringInput): { percent: number; score: number } {
  const depths = input.promotionPercent ? [input.promotionPercent] : DEPTHS;
  let best = { percent: depths[0]!, score: -Infinity };
  for (const depth of depths) {
    const score = expectedValue(input, depth);
    if (score > best.score) best = { percent: depth, score };
  }
  return { percent: best.percent, score: Math.round(best.score) };
}
