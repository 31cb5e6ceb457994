import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byKey, groupByKey } from '../../core/batch';
import { RATING_SUMMARY_COLUMNS, type RatingSubject, type RatingSummaryRow } from './rating-summary';
import { REVIEW_COLUMNS, REVIEW_EDIT_COLUMNS, toReview, toReviewEdit, type ReviewEditRow, type ReviewRow } from './review.rows';
import type { Review, ReviewEdit } from './review.type';

export interface Popularity {
  productId: string;
  likeCount: number;
  salesCount: number;
  viewCount: number;
  trendingScore: number;
}

/** A review keeps at most MAX_EDITS versions (review-write.ts). */
export const MAX_EDITS_SHOWN = 20;

/** Per-request loaders of reviews, summaries, popularity and likes; visibility is the caller's rule. */
export function reviewLoaders(db: DataSource) {
  return {
    reviewById: new DataLoader<string, Review | null>(async (ids) => {
      const rows: ReviewRow[] = await db.query(`SELECT ${REVIEW_COLUMNS} FROM review r WHERE r.id = ANY($1)`, [ids]);
      return byKey(ids, rows.map(toReview), (r) => r.uuid);
    }),
    reviewEditsByReviewId: new DataLoader<string, ReviewEdit[]>(async (ids) => {
      const rows: ReviewEditRow[] = await db.query(
        `SELECT ${REVIEW_EDIT_COLUMNS} FROM review_edit e WHERE e.review_id = ANY($1) ORDER BY e.review_id, e.id DESC`,
        [ids],
      );
      return groupByKey(ids, rows.map(toReviewEdit), (e) => e.reviewId).map((edits) => edits.slice(0, MAX_EDITS_SHOWN));
    }),
    /** Keys `${subject}:${uuid}`. */
    ratingSummaryBySubject: new DataLoader<`${RatingSubject}:${string}`, RatingSummaryRow | null>(async (keys) => {
      const subjects = keys.map((k) => k.slice(0, k.indexOf(':')));
      const ids = keys.map((k) => k.slice(k.indexOf(':') + 1));
      const rows: RatingSummaryRow[] = await db.query(
        `SELECT ${RATING_SUMMARY_COLUMNS} FROM rating_summary rs JOIN unnest($1::text[], $2::uuid[]) k(subject, id)
           ON rs.subject = k.subject AND rs.subject_id = k.id`,
        [subjects, ids],
      );
      return byKey(keys, rows, (r) => `${r.subject}:${r.subjectId}` as const);
    }),
    popularityByProductId: new DataLoader<string, Popularity | null>(async (ids) => {
      const rows: Popularity[] = await db.query(
        `SELECT product_id AS "productId", like_count AS "likeCount", sales_count AS "salesCount", view_count AS "viewCount",
                trending_score AS "trendingScore" FROM product_popularity WHERE product_id = ANY($1)`,
        [ids],
      );
      return byKey(ids, rows, (r) => r.productId);
    }),
    /** Keys `${customerId}:${productId}`: whether that customer likes that product. */
    likeByCustomerProduct: new DataLoader<string, boolean>(async (keys) => {
      const pairs = keys.map((k) => k.split(':'));
      const rows: { key: string }[] = await db.query(
        `SELECT pl.customer_id || ':' || pl.product_id AS key FROM product_like pl
           JOIN unnest($1::uuid[], $2::uuid[]) k(customer_id, product_id) ON pl.customer_id = k.customer_id AND pl.product_id = k.product_id`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      const liked = new Set(rows.map((r) => r.key));
      return keys.map((k) => liked.has(k));
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof reviewLoaders> {}
}
