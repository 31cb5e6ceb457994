import type { AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { jsonObject, selectList, type ColumnMap } from '../../db/column-map';
import type { Seller, SellerStatus } from './seller.type';

export interface SellerRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  status: SellerStatus;
  rating: number;
  ratingCount: number;
  createdAt: Date;
  shippingRate: number;
  freeShippingThreshold: number | null;
  legalName: string | null;
  taxId: string | null;
  address: AddressData | null;
}

const sellerFields: ColumnMap<SellerRow> = {
  id: 'id',
  slug: 'slug',
  name: 'name',
  description: 'description',
  status: 'status',
  rating: 'rating::float8',
  ratingCount: 'rating_count',
  createdAt: 'created_at',
  shippingRate: 'shipping_rate',
  freeShippingThreshold: 'free_shipping_threshold',
  legalName: 'legal_name',
  taxId: 'tax_id',
  address: 'address',
};

/** Selects a SellerRow from `table`, each column aliased `${prefix}${field}` (for joins). */
export function sellerColumns(table: string, prefix = ''): string {
  return selectList(sellerFields, table, prefix);
}

/**
 * A SellerRow of `table` as one json column (NULL when a left join found none): a join that repeats sellers
 * over many rows reads one column where sellerColumns reads thirteen. Read it back with fromSellerJson.
 */
export function sellerJson(table: string): string {
  return `CASE WHEN ${table}.id IS NULL THEN NULL ELSE ${jsonObject(sellerFields, table)} END`;
}

/** The SellerRow of a sellerJson column, as pg parsed it: json has no dates, so createdAt comes as ISO 8601 text. */
export function fromSellerJson(json: Omit<SellerRow, 'createdAt'> & { createdAt: string }): SellerRow {
  return { ...json, createdAt: new Date(json.createdAt) };
}

export const SELLER_COLUMNS = sellerColumns('seller');

export function toSeller(row: SellerRow): Seller {
  return { __typename: 'Seller', uuid: row.id, ...row, id: toGlobalId('Seller', row.id) };
}
