import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { Money } from '../../core/money';
import { MailingAddress } from '../../core/address';

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

  @Field(() => Float, { description: 'The seller rating 1–5: the Bayesian average of its published reviews, less penalties for a complaint rate above 2% and for complaints escalated to the operator (reviews/seller-rating.ts; 4 until rated).' })
  rating!: number;

  @Field(() => Int, { description: 'How many published reviews the rating rests on.' })
  ratingCount!: number;

  @Field()
  createdAt!: Date;

  // The identity a trader must show buyers (Directive 2000/31/EC, art. 5.1: name, geographic address,
  // VAT number), as its invoices print it.
  @Field(() => String, { nullable: true, description: 'Legal name, as on invoices.' })
  legalName!: string | null;

  @Field(() => String, { nullable: true, description: 'Tax id (NIF or VAT number), as on invoices.' })
  taxId!: string | null;

  @Field(() => MailingAddress, { nullable: true, description: 'Legal (registered) address; a seller sells only once it has one.' })
  address!: MailingAddress | null;

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
