import { Field, Int, ObjectType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { toGlobalId } from '../../core/global-id';

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

export interface VariantRow {
  id: string;
  productId: string;
  title: string;
  options: Record<string, string>;
  gtin: string | null;
  position: number;
}

export const VARIANT_COLUMNS = `v.id, v.product_id AS "productId", v.title, v.options, v.gtin, v.position`;

export function toVariant(r: VariantRow): ProductVariant {
  return {
    __typename: 'ProductVariant',
    id: toGlobalId('ProductVariant', r.id),
    uuid: r.id,
    productUuid: r.productId,
    title: r.title,
    options: Object.entries(r.options).map(([name, value]) => ({ name, value })),
    gtin: r.gtin,
    position: r.position,
  };
}
