import type { TxContext } from '../../core/context';
import { storeSellerRating } from '../sellers';
import type { RatingSummary } from './review.type';
import { complaintPenalties, sellerRating, type ComplaintStats, type ReviewStats } from './seller-rating';

export type RatingSubject = 'product' | 'seller';

export interface RatingSummaryRow {
  subject: RatingSubject;
  subjectId: string;
  count: number;
  sum: number;
  counts: number[];
}

export const RATING_SUMMARY_COLUMNS = `rs.subject, rs.subject_id AS "subjectId", rs.review_count AS count, rs.rating_sum AS sum,
  ARRAY[rs.count_1, rs.count_2, rs.count_3, rs.count_4, rs.count_5] AS counts`;

export function toRatingSummary(row: RatingSummaryRow | null): RatingSummary {
  const counts = row?.counts ?? [0, 0, 0, 0, 0];
  const count = row?.count ?? 0;
  return {
    average: count ? row!.sum / count : null,
    count,
    distribution: counts.map((c, i) => ({ rating: i + 1, count: c })),
  };
}

/**
 * Moves one rating into or out of a product's and its seller's summaries (published reviews only), and
 * the seller's rating with them, in the transaction of the review change: `removed` and `added` are the
 * ratings leaving and entering the published set (null: none). The upsert's row lock orders concurrent
 * reviews of one seller; product first, then seller, always, so they can't deadlock.
 */
export async function moveRating(
  ctx: TxContext,
  { productId, sellerId }: { productId: string; sellerId: string },
  removed: number | null,
  added: number | null,
): Promise<void> {
  if (removed === added) return;
  const delta = (star: number) => (added === star ? 1 : 0) - (removed === star ? 1 : 0);
  const params = [delta(1), delta(2), delta(3), delta(4), delta(5), (added ?? 0) - (removed ?? 0)];
  const upsert = (subject: RatingSubject, id: string) =>
    ctx.tx.query(
      `INSERT INTO rating_summary AS rs (subject, subject_id, review_count, rating_sum, count_1, count_2, count_3, count_4, count_5)
       VALUES ($1, $2::uuid, $3::int + $4::int + $5::int + $6::int + $7::int, $8::int, $3::int, $4::int, $5::int, $6::int, $7::int)
       ON CONFLICT (subject, subject_id) DO UPDATE SET
         review_count = rs.review_count + EXCLUDED.review_count, rating_sum = rs.rating_sum + EXCLUDED.rating_sum,
         count_1 = rs.count_1 + EXCLUDED.count_1, count_2 = rs.count_2 + EXCLUDED.count_2, count_3 = rs.count_3 + EXCLUDED.count_3,
         count_4 = rs.count_4 + EXCLUDED.count_4, count_5 = rs.count_5 + EXCLUDED.count_5, updated_at = now()
       RETURNING rs.review_count AS count, rs.rating_sum AS sum`,
      [subject, id, ...params],
    ) as Promise<{ count: number; sum: number }[]>;
  await upsert('product', productId);
  const [seller] = await upsert('seller', sellerId);
  await refreshSellerRating(ctx, sellerId, seller!);
}

/**
 * Stores the seller's rating from its review summary (read when not given) and its record in complaints
 * (seller_complaint_stats, the complaints module's view). Called in a review's transaction and on every
 * complaint event, so the rating follows both; the orders behind the complaint rate are counted then.
 */
export async function refreshSellerRating(ctx: Pick<TxContext, 'tx'>, sellerId: string, reviews?: ReviewStats): Promise<void> {
  const [summary] = reviews
    ? [reviews]
    : ((await ctx.tx.query(`SELECT review_count AS count, rating_sum AS sum FROM rating_summary WHERE subject = 'seller' AND subject_id = $1`, [
        sellerId,
      ])) as ReviewStats[]);
  const [complaints] = (await ctx.tx.query(
    `SELECT orders, complaints, round(coalesce(escalated_share, 0) * complaints)::int AS escalated
       FROM seller_complaint_stats WHERE seller_id = $1`,
    [sellerId],
  )) as ComplaintStats[];
  const stats = summary ?? { count: 0, sum: 0 };
  await storeSellerRating(ctx, sellerId, sellerRating(stats, complaints ? complaintPenalties(complaints) : []), stats.count);
}
