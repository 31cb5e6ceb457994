import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
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
}

export const SELLER_COLUMNS = `id, slug, name, description, status, rating::float8 AS rating,
  rating_count AS "ratingCount", created_at AS "createdAt"`;

export function toSeller(row: SellerRow): Seller {
  return { __typename: 'Seller', uuid: row.id, ...row, id: toGlobalId('Seller', row.id) };
}
