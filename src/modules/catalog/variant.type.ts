import { Field, Int, ObjectType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';

@ObjectType({ simpleResolvers: true })
export class SelectedOption {
  @Field({ description: 'e.g. "size"' })
  name!: string;

  @Field({ description: 'e.g. "M"' })
  value!: string;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A purchasable version of a product (size, colour …).' })
export class ProductVariant extends Node implements NodeSource {
  __typename!: 'ProductVariant';
  uuid!: string;
  productUuid!: string;

  @Field()
  title!: string;

  @Field(() => [SelectedOption])
  options!: SelectedOption[];

  @Field(() => String, { nullable: true, description: 'GTIN/EAN barcode: 8, 12, 13 or 14 digits.' })
  gtin!: string | null;

  @Field(() => Int)
  position!: number;
}
