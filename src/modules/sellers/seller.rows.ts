import type { AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
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

const sellerFields: Record<keyof SellerRow, string> = {
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
  return Object.entries(sellerFields)
    .map(([field, column]) => `${table}.${column} AS "${prefix}${field}"`)
    .join(', ');
}

/** The SellerRow inside a joined row selected with `sellerColumns(table, prefix)`. */
export function pickSellerRow(row: Record<string, unknown>, prefix: string): SellerRow {
  return Object.fromEntries(Object.keys(sellerFields).map((field) => [field, row[prefix + field]])) as unknown as SellerRow;
}

export const SELLER_COLUMNS = sellerColumns('seller');

export function toSeller(row: SellerRow): Seller {
  return { __typename: 'Seller', uuid: row.id, ...row, id: toGlobalId('Seller', row.id) };
}
