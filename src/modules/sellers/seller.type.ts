import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { Money } from '../../core/money';

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

  @Field(() => Float, { description: 'The seller rating 1–5: the Bayesian average of its published reviews (reviews/seller-rating.ts; 4 until rated).' })
  rating!: number;

  @Field(() => Int, { description: 'How many published reviews the rating rests on.' })
  ratingCount!: number;

  @Field()
  createdAt!: Date;

  /** Flat shipping per order of this seller, minor units (see Seller.shipping). */
  shippingRate!: number;
  /** Subtotal from which shipping is free; null: never. */
  freeShippingThreshold!: number | null;
}

@ObjectType({ simpleResolvers: true, description: "A seller's shipping terms: one flat rate per order, free above a threshold." })
export class ShippingPolicy {
  @Field(() => Money)
  flatRate!: Money;

  @Field(() => Money, { nullable: true, description: 'Orders with a subtotal at least this much ship free.' })
  freeShippingThreshold!: Money | null;
}
