import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { groupByKey } from '../../core/batch';
import { PRODUCT_COLUMNS, ProductStatus, toProduct, type ProductRow } from '../catalog';
import type { ProductRecommendation } from './recommendation.type';

async function topLists(db: DataSource, table: 'also_bought' | 'also_viewed', ids: readonly string[], reason: (count: number) => string) {
  const rows: (ProductRow & { sourceId: string; score: number; coCount: number })[] = await db.query(
    `SELECT t.product_id AS "sourceId", t.score, t.co_count AS "coCount", ${PRODUCT_COLUMNS}
       FROM ${table} t JOIN product p ON p.id = t.other_id
      WHERE t.product_id = ANY($1) AND p.status = '${ProductStatus.ACTIVE}' AND p.in_stock
      ORDER BY t.product_id, t.rank`,
    [ids],
  );
  const recommendations = rows.map((r) => ({
    sourceId: r.sourceId,
    productUuid: r.id,
    product: toProduct(r),
    score: r.score,
    basketCount: r.coCount,
    reason: reason(r.coCount),
  }));
  return groupByKey(ids, recommendations, (r) => r.sourceId);
}

/**
 * A product's precomputed top list (co-occurrence.ts), only products on the storefront with stock to buy
 * (`in_stock` is the catalog's flag of an offered listing with stock): at most TOP_N rows by primary key each.
 */
export function recommendationLoaders(db: DataSource) {
  return {
    alsoBoughtByProductId: new DataLoader<string, ProductRecommendation[]>((ids) => topLists(db, 'also_bought', ids, (n) => `Bought together in ${n} orders`)),
    alsoViewedByProductId: new DataLoader<string, ProductRecommendation[]>((ids) => topLists(db, 'also_viewed', ids, (n) => `Viewed together in ${n} visits`)),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof recommendationLoaders> {}
}
