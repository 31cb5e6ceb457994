import type { PrivacyHook } from '../../core/context';
import { removeLike } from './popularity';

/**
 * A customer's reviews, votes and likes. Erasure drops the likes (with their counts) and votes; the reviews
 * stay, as the marketplace's record of verified purchases, signed by the erased customer's replaced name.
 */
export const reviewPrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    const [reviews, likes] = await Promise.all([
      ctx.db.query(
        `SELECT r.rating, r.title, r.body, r.photos, r.status, r.created_at AS "createdAt", p.title AS product
           FROM review r JOIN product p ON p.id = r.product_id WHERE r.customer_id = $1 ORDER BY r.created_at`,
        [customerId],
      ),
      ctx.db.query(
        `SELECT p.title AS product, pl.liked_at AS "likedAt" FROM product_like pl JOIN product p ON p.id = pl.product_id
          WHERE pl.customer_id = $1 ORDER BY pl.liked_at`,
        [customerId],
      ),
    ]);
    return { reviews, likes };
  },
  async erase(ctx, customerId) {
    const likes: { productId: string; likedAt: Date }[] = await ctx.tx.query(
      'WITH d AS (DELETE FROM product_like WHERE customer_id = $1 RETURNING product_id, liked_at) SELECT product_id AS "productId", liked_at AS "likedAt" FROM d',
      [customerId],
    );
    for (const like of likes.sort((a, b) => (a.productId < b.productId ? -1 : 1))) await removeLike(ctx, like.productId, like.likedAt);
    await ctx.tx.query(
      `UPDATE review r SET helpful_count = r.helpful_count - 1 FROM review_helpful_vote v WHERE v.review_id = r.id AND v.customer_id = $1`,
      [customerId],
    );
    await ctx.tx.query('DELETE FROM review_helpful_vote WHERE customer_id = $1', [customerId]);
  },
};
