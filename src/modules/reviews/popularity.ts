import type { AppServices, TxContext } from '../../core/context';
import { HOOK_TRANSACTION, withTransaction } from '../../db/transaction';
import type { EventPayloads } from '../../events/event-types';
import { TRENDING_WEIGHTS, logAddSql, logSubtractSql, logSumSql, trendingTermSql } from './trending';

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
 * view_count and TRENDING at the time of each view: one upsert for the batch, a product's views summed and
 * their terms log-summed (logSumSql), rows written in product id order. One statement, not one per view:
 * search's trigger on product_popularity is a statement trigger since migration 1764287000000 (it fires once
 * per statement, also for a statement that changes no count it copies), so a view statement costs a trigger
 * call; per batch, that is once instead of once per view (bench/RESULTS.md section `checkout-db2`).
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
    const mine = views.filter((v) => counted.has(v.id));
    if (!mine.length) return;
    await tx.query(
      `INSERT INTO product_popularity AS pp (product_id, view_count, trending_score)
       SELECT t.product_id, count(*)::int, ${logSumSql('t.term', 't.top')}
         FROM (SELECT v.product_id, x.term, max(x.term) OVER (PARTITION BY v.product_id) AS top
                 FROM unnest($1::uuid[], $2::timestamptz[]) v(product_id, at)
                 CROSS JOIN LATERAL (SELECT ${trendingTermSql('$3', 'v.at')} AS term) x) t
        GROUP BY t.product_id, t.top ORDER BY t.product_id
       ON CONFLICT (product_id) DO UPDATE SET view_count = pp.view_count + EXCLUDED.view_count,
         trending_score = ${logAddSql('pp.trending_score', 'EXCLUDED.trending_score')}, updated_at = now()`,
      [mine.map((v) => v.productId), mine.map((v) => v.occurredAt), TRENDING_WEIGHTS.view],
    );
  }, HOOK_TRANSACTION);
}
