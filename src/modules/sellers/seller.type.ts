import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { Money } from '../../core/money';
import { toGlobalId } from '../../core/global-id';

export enum SellerStatus {
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
}
registerEnumType(SellerStatus, { name: 'SellerStatus' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A merchant selling on the marketplace.' })
export class Seller extends Node implements NodeSource {
  __typename!: 'Seller';
  uuid!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => SellerStatus)
  status!: SellerStatus;

  @Field(() => Float, { description: 'Average rating 0–5 (0 until rated).' })
  rating!: number;

  @Field(() => Int)
  ratingCount!: number;

  @Field()
  createdAt!: Date;

  /** Flat shipping per order of this seller, minor units (see Seller.shipping). */
  shippingRate!: number;
  /** Subtotal from which shipping is free; null: never. */
  freeShippingThreshold!: number | null;
}

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

@ObjectType({ simpleResolvers: true, description: "A seller's shipping terms: one flat rate per order, free above a threshold." })
export class ShippingPolicy {
  @Field(() => Money)
  flatRate!: Money;

  @Field(() => Money, { nullable: true, description: 'Orders with a subtotal at least this much ship free.' })
  freeShippingThreshold!: Money | null;
}
