import { requireAdmin, requireCustomer, requireSeller } from '../../auth/guards';
import type { Context } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { moveRating } from './rating-summary';
import { lockReview, reloadReview } from './review-write';
import { MAX_REASON, MAX_REPLY, type ReviewHideInput, type ReviewReplyInput, type ReviewReportInput } from './review.inputs';
import { ReviewStatus } from './review.type';

/** The seller of the reviewed sale answers, once (a second reply is refused, not an overwrite). */
export async function replyToReview(ctx: Context, input: ReviewReplyInput) {
  const sellerId = requireSeller(ctx.viewer, 'reviews:write');
  const v = new Validator();
  v.text('body', input.body, { max: MAX_REPLY, multiline: true });
  v.done();
  const review = await withTransaction(ctx, async (ctx) => {
    const review = await lockReview(ctx, input.id);
    if (review.sellerUuid !== sellerId) fail('id', 'Only the seller of the reviewed sale can reply.', ErrorCode.FORBIDDEN);
    if (review.reply) fail('id', 'This review already has your reply.', ErrorCode.TAKEN);
    await ctx.tx.query('UPDATE review SET reply_body = $2, replied_at = now() WHERE id = $1', [review.uuid, input.body.trim()]);
    return reloadReview(ctx, review.uuid);
  });
  return { review };
}

/** Another customer found it helpful: once each (a repeat changes nothing), never the author. */
export async function voteHelpful(ctx: Context, id: string) {
  const customerId = requireCustomer(ctx.viewer);
  const review = await withTransaction(ctx, async (ctx) => {
    const review = await lockReview(ctx, id);
    if (review.customerUuid === customerId) fail('id', 'You cannot vote for your own review.', ErrorCode.FORBIDDEN);
    const added = await ctx.tx.query(
      'INSERT INTO review_helpful_vote (review_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1',
      [review.uuid, customerId],
    );
    if (added.length) await ctx.tx.query('UPDATE review SET helpful_count = helpful_count + 1 WHERE id = $1', [review.uuid]);
    return reloadReview(ctx, review.uuid);
  });
  return { review };
}

/**
 * Who reports: one report per reporter and review. Guests report too (issue 12: anyone), keyed by their
 * network address, so one address can't pile up reports.
 */
function reporterOf(ctx: Context): string {
  const v = ctx.viewer;
  switch (v.kind) {
    case 'customer':
      return `customer:${v.customerId}`;
    case 'seller':
      return `seller:${v.sellerId}`;
    case 'admin':
      return 'operator';
    default:
      return `guest:${ctx.clientAddress ?? 'unknown'}`;
  }
}

export async function reportReview(ctx: Context, input: ReviewReportInput) {
  const v = new Validator();
  v.text('reason', input.reason, { max: MAX_REASON, multiline: true });
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const review = await lockReview(ctx, input.id);
    const added = await ctx.tx.query(
      'INSERT INTO review_report (review_id, reporter, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1',
      [review.uuid, reporterOf(ctx), input.reason.trim()],
    );
    if (added.length) {
      await ctx.tx.query('UPDATE review SET report_count = report_count + 1, last_reported_at = now() WHERE id = $1', [review.uuid]);
    }
    return { reported: added.length > 0 };
  });
}

/** The operator takes a review down (its rating leaves the summaries) or puts it back. */
export async function setReviewStatus(ctx: Context, input: ReviewHideInput | { id: string }, status: ReviewStatus) {
  requireAdmin(ctx.viewer);
  const reason = 'reason' in input ? input.reason : null;
  if (reason !== null) {
    const v = new Validator();
    v.text('reason', reason, { max: MAX_REASON, multiline: true });
    v.done();
  }
  const review = await withTransaction(ctx, async (ctx) => {
    const review = await lockReview(ctx, input.id);
    if (review.status === status) fail('id', `The review is already ${status.toUpperCase()}.`, ErrorCode.INVALID_STATE);
    await ctx.tx.query('UPDATE review SET status = $2, hidden_reason = $3 WHERE id = $1', [review.uuid, status, reason?.trim() ?? null]);
    const hiding = status === ReviewStatus.HIDDEN;
    await moveRating(ctx, { productId: review.productUuid, sellerId: review.sellerUuid }, hiding ? review.rating : null, hiding ? null : review.rating);
    return reloadReview(ctx, review.uuid);
  });
  return { review };
}
