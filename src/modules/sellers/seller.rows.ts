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
function sellerColumns(table: string, prefix = ''): string {
  return selectList(sellerFields, table, prefix);
}

/**
 * A SellerRow of `table` as one json column (NULL when a left join found none): a join that repeats sellers
 * over many rows reads one column where sellerColumns reads thirteen. Read it back with fromSellerJson.
 */
export function sellerJson(table: string): string {
  return `CASE WHEN ${table}.id IS NULL THEN NULL ELSE ${jsonObject(sellerFields, table)} END`;
}

/** The seller's scalar columns only: what a catalog page's listing sellers answer (catalog-narrow-reads.ts). */
const { description: _d, createdAt: _c, legalName: _l, taxId: _t, address: _a, ...narrowSellerFields } = sellerFields;

/**
 * sellerJson without description, createdAt, legalName, taxId and address, for a narrow read (the catalog's
 * catalog-narrow-reads.ts allows only the Seller fields answered from the rest). Read it back with fromNarrowSellerJson.
 */
export function narrowSellerJson(table: string): string {
  return `CASE WHEN ${table}.id IS NULL THEN NULL ELSE ${jsonObject(narrowSellerFields, table)} END`;
}

/**
 * narrowSellerJson with the seller's id, slug and name only, for a narrow read that selects no other Seller field
 * (catalog/narrow-columns.ts). Read it back with fromNarrowSellerJson.
 */
export function briefSellerJson(table: string): string {
  return `CASE WHEN ${table}.id IS NULL THEN NULL ELSE json_build_object('id', ${table}.id, 'slug', ${table}.slug, 'name', ${table}.name) END`;
}

/**
 * The Seller of a narrowSellerJson (or briefSellerJson) column: the left-out fields undefined, for a reader that selects none of them;
 * `withId` false: its global id left empty, for a reader that selects no Seller `id` either.
 */
export function fromNarrowSellerJson(json: Omit<SellerRow, 'createdAt' | 'description' | 'legalName' | 'taxId' | 'address'>, withId: boolean): Seller {
  // The parsed json becomes the Seller (nothing else holds it): no copy per seller of a page.
  const seller = json as unknown as Seller;
  seller.__typename = 'Seller';
  seller.uuid = json.id;
  seller.id = withId ? toGlobalId('Seller', json.id) : '';
  return seller;
}

/** The SellerRow of a sellerJson column, as pg parsed it: json has no dates, so createdAt comes as ISO 8601 text. */
export function fromSellerJson(json: Omit<SellerRow, 'createdAt'> & { createdAt: string }): SellerRow {
  return { ...json, createdAt: new Date(json.createdAt) };
}

export const SELLER_COLUMNS = sellerColumns('seller');

export function toSeller(row: SellerRow): Seller {
  return { __typename: 'Seller', uuid: row.id, ...row, id: toGlobalId('Seller', row.id) };
}
