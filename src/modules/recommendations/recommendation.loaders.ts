import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { groupByKey } from '../../core/batch';
import { PRODUCT_COLUMNS, ProductStatus, toProduct, type ProductRow } from '../catalog';
import type { ProductRecommendation } from './recommendation.type';

/**
 * A product's precomputed top list (co-purchase.ts), only products on the storefront with stock to buy
 * (`in_stock` is the catalog's flag of an offered listing with stock): at most TOP_N rows by primary key each.
 */
export function recommendationLoaders(db: DataSource) {
  return {
    alsoBoughtByProductId: new DataLoader<string, ProductRecommendation[]>(async (ids) => {
      const rows: (ProductRow & { sourceId: string; score: number; coCount: number })[] = await db.query(
        `SELECT ab.product_id AS "sourceId", ab.score, ab.co_count AS "coCount", ${PRODUCT_COLUMNS}
           FROM also_bought ab JOIN product p ON p.id = ab.other_id
          WHERE ab.product_id = ANY($1) AND p.status = '${ProductStatus.ACTIVE}' AND p.in_stock
          ORDER BY ab.product_id, ab.rank`,
        [ids],
      );
      const recommendations = rows.map((r) => ({
        sourceId: r.sourceId,
        productUuid: r.id,
        product: toProduct(r),
        score: r.score,
        basketCount: r.coCount,
        reason: `Bought together in ${r.coCount} orders`,
      }));
      return groupByKey(ids, recommendations, (r) => r.sourceId);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof recommendationLoaders> {}
}
