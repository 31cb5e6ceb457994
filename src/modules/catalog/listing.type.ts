import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { Money } from '../../core/money';

export enum ListingCondition {
  NEW = 'new',
  REFURBISHED = 'refurbished',
  USED = 'used',
}
registerEnumType(ListingCondition, { name: 'ListingCondition' });

export enum ListingStatus {
  ACTIVE = 'active',
  ARCHIVED = 'archived',
}
registerEnumType(ListingStatus, { name: 'ListingStatus' });

@ObjectType({ implements: Node, simpleResolvers: true, description: "One seller's offer of one product variant." })
export class Listing extends Node implements NodeSource {
  __typename!: 'Listing';
  uuid!: string;
  sellerUuid!: string;
  variantUuid!: string;
  productUuid!: string;
  /** The seller's rating (seller.rating, kept by the reviews module): a buy-box key. */
  sellerRating!: number;
  /** The seller's shipping terms, for the landed price (buy-box.ts). */
  sellerShippingRate!: number;
  sellerFreeShippingThreshold!: number | null;

  @Field({ description: "The seller's own stock-keeping unit, unique per seller." })
  sku!: string;

  @Field(() => Money)
  price!: Money;

  @Field(() => Money, { nullable: true, description: 'The "was" price shown struck through.' })
  compareAtPrice!: Money | null;

  @Field(() => Int)
  stock!: number;

  @Field()
  inStock!: boolean;

  @Field(() => ListingCondition)
  condition!: ListingCondition;

  @Field(() => Int, { description: 'Working days before the seller ships.' })
  handlingDays!: number;

  @Field(() => ListingStatus)
  status!: ListingStatus;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
