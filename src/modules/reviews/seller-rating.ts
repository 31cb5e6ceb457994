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
 * Complaints (issue 11's `seller_complaint_stats` view) blend in as penalties subtracted from the review
 * rating, clamped to 1–5 (`complaintPenalties`): what buyers say in reviews, corrected by how often the
 * seller's orders end in a complaint and how often those complaints had to go to the operator.
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

/** A seller's record in complaints, as the `seller_complaint_stats` view counts it. */
export interface ComplaintStats {
  orders: number;
  complaints: number;
  escalated: number;
}

/** The complaint rate a marketplace lives with: a seller at or below it loses nothing. */
export const EXPECTED_COMPLAINT_RATE = 0.02;
/** Orders the expected rate counts as (a smoothing prior: one complaint among a seller's first orders is noise). */
export const COMPLAINT_PRIOR_ORDERS = 50;

/**
 * Two penalties, at most 1.5 stars together:
 * - `complaint-rate`: the complaint rate smoothed towards the expected 2% over 50 orders,
 *   (complaints + 50 × 0.02) / (orders + 50); each percentage point above 2% takes 0.1 stars, at most 1.
 * - `escalations`: complaints the operator had to take over (a missed deadline or a disputed rejection),
 *   0.5 × escalated / (complaints + 5): a seller that escalates every complaint of many loses half a star.
 */
export function complaintPenalties({ orders, complaints, escalated }: ComplaintStats): RatingPenalty[] {
  const smoothedRate = (complaints + COMPLAINT_PRIOR_ORDERS * EXPECTED_COMPLAINT_RATE) / (orders + COMPLAINT_PRIOR_ORDERS);
  return [
    { source: 'complaint-rate', points: Math.min(1, Math.max(0, (smoothedRate - EXPECTED_COMPLAINT_RATE) * 10)) },
    { source: 'escalations', points: (0.5 * escalated) / (complaints + 5) },
  ];
}
