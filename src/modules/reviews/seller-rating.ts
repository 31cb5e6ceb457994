/**
 * The seller rating (issue 12, CONTRACTS E): a Bayesian average of the seller's published reviews, so
 * that a seller with two 5-star reviews doesn't outrank one with five hundred 4.8s.
 *
 *   rating = (PRIOR_WEIGHT × PRIOR_MEAN + Σ ratings) / (PRIOR_WEIGHT + n)
 *
 * PRIOR_WEIGHT is how many reviews the prior counts as; PRIOR_MEAN what a seller without reviews shows
 * (and what the migration put in place of the seeded numbers). A seller's own average takes over as its
 * reviews grow: with 5 reviews the prior is half the weight, with 45 a tenth.
 *
 * Complaint metrics (i11-complaints: seller_complaint_stats) blend in through `blend`: the lead wires
 * them at merge, as a penalty subtracted from the review rating (documented there), clamped to 1–5.
 */
export const PRIOR_MEAN = 4;
export const PRIOR_WEIGHT = 5;

export interface ReviewStats {
  count: number;
  sum: number;
}

/** Other evidence of a seller's service, each as points to take off the rating (0 = none). */
export interface RatingPenalty {
  source: string;
  points: number;
}

export function reviewRating({ count, sum }: ReviewStats): number {
  return (PRIOR_WEIGHT * PRIOR_MEAN + sum) / (PRIOR_WEIGHT + count);
}

export function sellerRating(reviews: ReviewStats, penalties: readonly RatingPenalty[] = []): number {
  const rating = reviewRating(reviews) - penalties.reduce((total, p) => total + Math.max(0, p.points), 0);
  return Math.min(5, Math.max(1, rating));
}
