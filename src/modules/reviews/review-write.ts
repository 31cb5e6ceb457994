import { requireCustomer } from '../../auth/guards';
import type { Context, TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { moveRating } from './rating-summary';
import { checkReviewContent } from './review-content';
import type { ReviewCreateInput, ReviewUpdateInput } from './review.inputs';
import { REVIEW_COLUMNS, toReview, type ReviewRow } from './review.rows';
import { ReviewStatus, type Review } from './review.type';

/** A review is edited at most this often: each edit keeps a version (bounded history). */
export const MAX_EDITS = 20;

/** The review, locked for a change; NOT_FOUND when it doesn't exist or the viewer can't see it. */
export async function lockReview(ctx: TxContext, globalId: string): Promise<Review> {
  const uuid = idOf(globalId, 'Review');
  if (!uuid) fail('id', 'id is not a valid Review ID.', ErrorCode.INVALID_ID);
  const rows: ReviewRow[] = await ctx.tx.query(`SELECT ${REVIEW_COLUMNS} FROM review r WHERE r.id = $1 FOR NO KEY UPDATE`, [uuid]);
  const review = rows[0] && toReview(rows[0]);
  const viewer = ctx.viewer;
  const visible = review && (review.status === ReviewStatus.PUBLISHED || viewer.kind === 'admin' || (viewer.kind === 'customer' && viewer.customerId === review.customerUuid));
  if (!review || !visible) fail('id', 'Review not found.', ErrorCode.NOT_FOUND);
  return review;
}

export async function reloadReview({ tx }: TxContext, uuid: string): Promise<Review> {
  const rows: ReviewRow[] = await tx.query(`SELECT ${REVIEW_COLUMNS} FROM review r WHERE r.id = $1`, [uuid]);
  return toReview(rows[0]!);
}

/**
 * Verified by construction (issue 12): the order line must be the viewer's, its order DELIVERED, and not
 * reviewed yet (review.order_line_id is unique: two concurrent tries make one review). The product and the
 * seller come from the line, never from the input.
 */
export async function createReview(ctx: Context, input: ReviewCreateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  checkReviewContent(v, input, true);
  v.done();
  const lineId = idOf(input.orderLineId, 'OrderLine');
  if (!lineId) fail('orderLineId', 'orderLineId is not a valid OrderLine ID.', ErrorCode.INVALID_ID);
  const review = await withTransaction(ctx, async (ctx) => {
    const [line]: { orderId: string; productId: string; sellerId: string; customerId: string; state: string }[] = await ctx.tx.query(
      `SELECT o.id AS "orderId", ol.product_id AS "productId", o.seller_id AS "sellerId", o.customer_id AS "customerId", o.state
         FROM order_line ol JOIN orders o ON o.id = ol.order_id WHERE ol.id = $1`,
      [lineId],
    );
    if (!line || line.customerId !== customerId) fail('orderLineId', 'Order line not found.', ErrorCode.NOT_FOUND);
    if (line.state !== 'delivered') {
      fail('orderLineId', `Only delivered purchases can be reviewed; this order is ${line.state.toUpperCase()}.`, ErrorCode.INVALID_STATE);
    }
    const inserted: { id: string }[] = await ctx.tx.query(
      `INSERT INTO review (order_line_id, order_id, customer_id, product_id, seller_id, rating, title, body, photos)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (order_line_id) DO NOTHING RETURNING id`,
      [lineId, line.orderId, customerId, line.productId, line.sellerId, input.rating, input.title.trim(), input.body.trim(), input.photos ?? []],
    );
    if (!inserted.length) fail('orderLineId', 'You already reviewed this purchase; edit that review instead.', ErrorCode.TAKEN);
    await moveRating(ctx, line, null, input.rating);
    const reviewId = inserted[0]!.id;
    await emit(ctx, 'review.created', { reviewId, productId: line.productId, sellerId: line.sellerId, customerId, rating: input.rating });
    return reloadReview(ctx, reviewId);
  });
  return { review };
}

/** The author edits; the version it replaces goes to review_edit (Review.edits). */
export async function updateReview(ctx: Context, input: ReviewUpdateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  checkReviewContent(v, input, false);
  v.done();
  const review = await withTransaction(ctx, async (ctx) => {
    const old = await lockReview(ctx, input.id);
    if (old.customerUuid !== customerId) fail('id', 'Only its author can edit a review.', ErrorCode.FORBIDDEN);
    if (old.editCount >= MAX_EDITS) fail('id', `A review can be edited at most ${MAX_EDITS} times.`, ErrorCode.LIMIT_EXCEEDED);
    const next = {
      rating: input.rating ?? old.rating,
      title: input.title?.trim() ?? old.title,
      body: input.body?.trim() ?? old.body,
      photos: input.photos ?? old.photos,
    };
    await ctx.tx.query(
      `INSERT INTO review_edit (review_id, rating, title, body, photos, written_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [old.uuid, old.rating, old.title, old.body, old.photos, old.updatedAt],
    );
    await ctx.tx.query(
      `UPDATE review SET rating = $2, title = $3, body = $4, photos = $5, edit_count = edit_count + 1, updated_at = now() WHERE id = $1`,
      [old.uuid, next.rating, next.title, next.body, next.photos],
    );
    if (old.status === ReviewStatus.PUBLISHED) await moveRating(ctx, { productId: old.productUuid, sellerId: old.sellerUuid }, old.rating, next.rating);
    await emit(ctx, 'review.updated', { reviewId: old.uuid, productId: old.productUuid, sellerId: old.sellerUuid, customerId, rating: next.rating });
    return reloadReview(ctx, old.uuid);
  });
  return { review };
}
