import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Category } from './category.type';
import { Listing } from './listing.type';
import { Product } from './product.type';
import { ProductRevision } from './product-revision.type';
import { ProductVariant } from './variant.type';

@ObjectType({ simpleResolvers: true })
export class ProductPayload extends Payload {
  @Field(() => Product, { nullable: true })
  product?: Product;
}

@ObjectType({ simpleResolvers: true })
export class ProductVariantsPayload extends Payload {
  @Field(() => Product, { nullable: true })
  product?: Product;

  @Field(() => [ProductVariant], { nullable: true })
  variants?: ProductVariant[];
}

@ObjectType({ simpleResolvers: true })
export class ProductVariantPayload extends Payload {
  @Field(() => Product, { nullable: true })
  product?: Product;

  @Field(() => ProductVariant, { nullable: true })
  variant?: ProductVariant;
}

@ObjectType({ simpleResolvers: true })
export class ListingPayload extends Payload {
  @Field(() => Listing, { nullable: true })
  listing?: Listing;
}

@ObjectType({ simpleResolvers: true })
export class CategoryPayload extends Payload {
  @Field(() => Category, { nullable: true })
  category?: Category;
}

@ObjectType({ simpleResolvers: true })
export class ProductRevisionRevertPayload extends Payload {
  @Field(() => Product, { nullable: true })
  product?: Product;

  @Field(() => ProductRevision, { nullable: true, description: 'The new revision that records the revert.' })
  revision?: ProductRevision;
}

@ObjectType()
export class ProductConnection extends connectionType('Product', Product) {}

@ObjectType()
export class ListingConnection extends connectionType('Listing', Listing) {}

@ObjectType()
export class ProductRevisionConnection extends connectionType('ProductRevision', ProductRevision) {}
