import { toGlobalId } from '../../core/global-id';
import type { Review, ReviewEdit, ReviewStatus } from './review.type';

export interface ReviewRow {
  id: string;
  orderLineId: string;
  customerId: string;
  productId: string;
  sellerId: string;
  rating: number;
  title: string;
  body: string;
  photos: string[];
  status: ReviewStatus;
  helpfulCount: number;
  reportCount: number;
  editCount: number;
  hiddenReason: string | null;
  replyBody: string | null;
  authorName: string;
  repliedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Selects a ReviewRow from `review r`. */
export const REVIEW_COLUMNS = `r.id, r.order_line_id AS "orderLineId", r.customer_id AS "customerId", r.product_id AS "productId",
  r.seller_id AS "sellerId", r.rating, r.title, r.body, r.photos, r.status, r.helpful_count AS "helpfulCount",
  r.report_count AS "reportCount", r.edit_count AS "editCount", r.hidden_reason AS "hiddenReason", r.reply_body AS "replyBody",
  r.replied_at AS "repliedAt", (SELECT c.name FROM customer c WHERE c.id = r.customer_id) AS "authorName", r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

/** "Ana García" → "Ana G.": enough to tell reviewers apart, not enough to find them. */
export function shortName(name: string): string {
  const [first = '', ...rest] = name.trim().split(/\s+/u);
  const initial = rest.length ? ` ${[...rest.at(-1)!][0]!.toUpperCase()}.` : '';
  return `${[...first].slice(0, 40).join('')}${initial}`;
}

export function toReview(r: ReviewRow): Review {
  return {
    __typename: 'Review',
    id: toGlobalId('Review', r.id),
    uuid: r.id,
    customerUuid: r.customerId,
    productUuid: r.productId,
    sellerUuid: r.sellerId,
    rating: r.rating,
    title: r.title,
    body: r.body,
    photos: r.photos,
    status: r.status,
    helpfulCount: r.helpfulCount,
    reportCount: r.reportCount,
    editCount: r.editCount,
    hiddenReason: r.hiddenReason,
    reply: r.replyBody === null ? null : { body: r.replyBody, repliedAt: r.repliedAt! },
    verifiedPurchase: true,
    authorName: shortName(r.authorName),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export interface ReviewEditRow {
  reviewId: string;
  rating: number;
  title: string;
  body: string;
  photos: string[];
  writtenAt: Date;
  replacedAt: Date;
}

export const REVIEW_EDIT_COLUMNS = `e.review_id AS "reviewId", e.rating, e.title, e.body, e.photos, e.written_at AS "writtenAt", e.replaced_at AS "replacedAt"`;

export const toReviewEdit = (r: ReviewEditRow): ReviewEdit => ({ ...r });
