import type { AppServices, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import type { EventPayloads } from '../../events/event-types';
import { TRENDING_WEIGHTS, logAddSql, logSubtractSql, trendingTermSql } from './trending';

/**
 * `product_popularity` (this module's): like, sales and view counts and the trending score per product.
 * Read by the product sorts MOST_LIKED and TRENDING (catalog/product-search.ts) and by search ranking.
 * Sales are counted by sales-count.ts.
 */
export async function addLike({ tx }: TxContext, productId: string, likedAt: Date): Promise<void> {
  await tx.query(
    `INSERT INTO product_popularity AS pp (product_id, like_count, trending_score)
     VALUES ($1, 1, ${trendingTermSql('$2', '$3::timestamptz')})
     ON CONFLICT (product_id) DO UPDATE SET like_count = pp.like_count + 1,
       trending_score = ${logAddSql('pp.trending_score', 'EXCLUDED.trending_score')}, updated_at = now()`,
    [productId, TRENDING_WEIGHTS.like, likedAt],
  );
}

/** Takes back exactly what addLike added, with the like's own time. */
export async function removeLike({ tx }: TxContext, productId: string, likedAt: Date): Promise<void> {
  await tx.query(
    `UPDATE product_popularity pp SET like_count = pp.like_count - 1,
       trending_score = ${logSubtractSql('pp.trending_score', trendingTermSql('$2', '$3::timestamptz'))}, updated_at = now()
     WHERE product_id = $1`,
    [productId, TRENDING_WEIGHTS.like, likedAt],
  );
}

/**
 * Counts product views of consenting customers (personalization's `touchpoint.recorded`; anonymous views
 * are only per-product daily counts there), each touchpoint once (popularity_counted_view), into
 * view_count and TRENDING at the time of the view.
 */
export async function countViews(app: AppServices, { events }: EventPayloads['touchpoint.recorded']): Promise<void> {
  const views = events.filter((e) => e.type === 'PRODUCT_VIEWED' && e.productId);
  if (!views.length) return;
  await withTransaction(app, async ({ tx }) => {
    const fresh: { id: string }[] = await tx.query(
      'INSERT INTO popularity_counted_view (touchpoint_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING touchpoint_id AS id',
      [views.map((v) => v.id)],
    );
    const counted = new Set(fresh.map((r) => r.id));
    const mine = views.filter((v) => counted.has(v.id)).sort((a, b) => (a.productId! < b.productId! ? -1 : a.productId! > b.productId! ? 1 : 0));
    for (const view of mine) {
      await tx.query(
        `INSERT INTO product_popularity AS pp (product_id, view_count, trending_score)
         VALUES ($1, 1, ${trendingTermSql('$2', '$3::timestamptz')})
         ON CONFLICT (product_id) DO UPDATE SET view_count = pp.view_count + 1,
           trending_score = ${logAddSql('pp.trending_score', 'EXCLUDED.trending_score')}, updated_at = now()`,
        [view.productId, TRENDING_WEIGHTS.view, view.occurredAt],
      );
    }
  });
}
