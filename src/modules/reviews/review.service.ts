import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../core/context';
import { checkPageSize, decodeCursor, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { badInput } from '../../core/errors';
import { REVIEW_COLUMNS, toReview, type ReviewRow } from './review.rows';
import { ReviewSort, ReviewStatus, type Review } from './review.type';

/** Published reviews are public; a hidden one only its author and the operator see. */
export function canSeeReview(viewer: Viewer, review: Pick<Review, 'status' | 'customerUuid'>): boolean {
  if (review.status === ReviewStatus.PUBLISHED || viewer.kind === 'admin') return true;
  return viewer.kind === 'customer' && viewer.customerId === review.customerUuid;
}

export async function findReview(ctx: Context, id: string): Promise<Review | null> {
  const review = await ctx.loaders.reviewById.load(id);
  return review && canSeeReview(ctx.viewer, review) ? review : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Keyset order per sort: (key, created_at, id), all descending. */
const sortKeys: Record<ReviewSort, { key: string; cast: string }> = {
  [ReviewSort.NEWEST]: { key: '0::int', cast: 'int' },
  [ReviewSort.MOST_HELPFUL]: { key: 'r.helpful_count', cast: 'int' },
  [ReviewSort.RATING]: { key: 'r.rating', cast: 'int' },
};

/** Published reviews of a product or a seller, one statement per page (indexes: review_product_newest, review_seller_newest). */
export async function listReviews(
  ctx: Context,
  of: { productId: string } | { sellerId: string },
  { first, after, sort }: { first: number; after?: string; sort: ReviewSort },
) {
  checkPageSize(first);
  const params: unknown[] = ['productId' in of ? of.productId : of.sellerId];
  const where = [`r.${'productId' in of ? 'product_id' : 'seller_id'} = $1`, `r.status = '${ReviewStatus.PUBLISHED}'`];
  const order = sortKeys[sort];
  if (after) {
    const [key, createdAt, id] = decodeCursor(after, 3);
    if (typeof key !== 'number' || !Number.isSafeInteger(key) || typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || typeof id !== 'string' || !UUID.test(id)) {
      throw badInput('after is not a cursor of this list.', 'after');
    }
    params.push(key, createdAt, id);
    where.push(`(${order.key}, r.created_at, r.id) < ($2::${order.cast}, $3::timestamptz, $4::uuid)`);
  }
  params.push(first + 1);
  const rows: (ReviewRow & { sortKey: number; createdKey: string })[] = await ctx.db.query(
    `SELECT ${REVIEW_COLUMNS}, ${order.key} AS "sortKey", r.created_at::text AS "createdKey" FROM review r
      WHERE ${where.join(' AND ')}
      ORDER BY ${order.key} DESC, r.created_at DESC, r.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.createdKey, r.id]), toReview);
}

/** Operator: reviews with reports, most recently reported first (index review_reported). */
export async function listReportedReviews(ctx: Context, { first, after }: { first: number; after?: string }) {
  checkPageSize(first);
  const params: unknown[] = [];
  let where = '';
  if (after) {
    const { key, id } = decodeKeyset(after);
    if (typeof key !== 'string' || Number.isNaN(Date.parse(key))) throw badInput('after is not a cursor of this list.', 'after');
    params.push(key, id);
    where = 'AND (r.last_reported_at, r.id) < ($1::timestamptz, $2::uuid)';
  }
  params.push(first + 1);
  const rows: (ReviewRow & { reportedKey: string })[] = await ctx.db.query(
    `SELECT ${REVIEW_COLUMNS}, r.last_reported_at::text AS "reportedKey" FROM review r
      WHERE r.report_count > 0 ${where} ORDER BY r.last_reported_at DESC, r.id DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.reportedKey, r.id]), toReview);
}
