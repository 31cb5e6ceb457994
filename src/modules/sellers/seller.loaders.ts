import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byKey } from '../../core/batch';
import { opaqueParam, preparedQuery } from '../../db/prepared-query';
import { SELLER_COLUMNS, toSeller, type SellerRow } from './seller.rows';
import type { Seller } from './seller.type';

export function sellerLoaders(db: DataSource) {
  return {
    /** Any seller, suspended ones included: visibility is the caller's rule. */
    sellerById: new DataLoader<string, Seller | null>(async (ids) => {
      const rows: SellerRow[] = await preparedQuery(db, `SELECT ${SELLER_COLUMNS} FROM seller WHERE id = ANY(${opaqueParam('$1', 'uuid[]')})`, [ids]);
      return byKey(ids, rows.map(toSeller), (s) => s.uuid);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof sellerLoaders> {}
}
