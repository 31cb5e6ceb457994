import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { JSONResolver } from 'graphql-scalars';
import { Node, type NodeSource } from '../../core/node';

export enum ProductRevisionActor {
  SELLER = 'seller',
  OPERATOR = 'operator',
}
registerEnumType(ProductRevisionActor, { name: 'ProductRevisionActor' });

export enum ProductRevisionField {
  SLUG = 'slug',
  TITLE = 'title',
  DESCRIPTION = 'description',
  CATEGORY = 'categoryId',
  IMAGES = 'images',
  ATTRIBUTES = 'attributes',
  STATUS = 'status',
}
registerEnumType(ProductRevisionField, { name: 'ProductRevisionField' });

@ObjectType({ simpleResolvers: true })
export class ProductFieldChange {
  @Field(() => ProductRevisionField)
  field!: ProductRevisionField;

  @Field(() => JSONResolver, { nullable: true, description: 'The value before: a Category ID for CATEGORY, a ProductStatus name for STATUS.' })
  oldValue!: unknown;

  @Field(() => JSONResolver, { nullable: true, description: 'The value after, in the same form as oldValue.' })
  newValue!: unknown;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: "One change of a product's content: who, when, and each changed field from old to new.",
})
export class ProductRevision extends Node implements NodeSource {
  __typename!: 'ProductRevision';
  uuid!: string;
  productUuid!: string;
  sellerUuid!: string | null;

  @Field(() => ProductRevisionActor)
  actorKind!: ProductRevisionActor;

  @Field(() => [ProductFieldChange])
  changes!: ProductFieldChange[];

  @Field(() => ID, { nullable: true, description: 'The revision this one reverted (productRevisionRevert), if any.' })
  revertsRevisionId!: string | null;

  @Field()
  createdAt!: Date;
}
