import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { Node, type NodeSource } from '../../core/node';
import { toGlobalId } from '../../core/global-id';
import type { ProductImage } from './catalog.entity';

export enum ProductStatus {
  DRAFT = 'draft',
  ACTIVE = 'active',
  ARCHIVED = 'archived',
}
registerEnumType(ProductStatus, { name: 'ProductStatus' });

@ObjectType('Image', { simpleResolvers: true })
export class Image {
  @Field()
  url!: string;

  @Field(() => String, { nullable: true })
  alt!: string | null;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A catalog product, shared by every seller that lists it.' })
export class Product extends Node implements NodeSource {
  __typename!: 'Product';
  uuid!: string;
  categoryUuid!: string | null;
  createdBySellerUuid!: string | null;
  /** The plugin that created it for its seller (`scope.createProduct`), e.g. "co-creation"; null for the rest. */
  createdByPlugin!: string | null;
  minPrice!: number | null;
  maxPrice!: number | null;

  @Field()
  slug!: string;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => [Image])
  images!: ProductImage[];

  @Field(() => JSONObjectResolver, { description: 'Free-form attributes, e.g. {"material": "cotton"}.' })
  attributes!: Record<string, unknown>;

  @Field(() => ProductStatus)
  status!: ProductStatus;

  @Field({ description: 'Whether any visible listing has stock.' })
  inStock!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export interface ProductRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  categoryId: string | null;
  images: ProductImage[];
  attributes: Record<string, unknown>;
  status: ProductStatus;
  createdBySellerId: string | null;
  createdByPlugin: string | null;
  minPrice: number | null;
  maxPrice: number | null;
  inStock: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const PRODUCT_COLUMNS = `p.id, p.slug, p.title, p.description, p.category_id AS "categoryId", p.images, p.attributes,
  p.status, p.created_by_seller_id AS "createdBySellerId", p.created_by_plugin AS "createdByPlugin", p.min_price AS "minPrice", p.max_price AS "maxPrice",
  p.in_stock AS "inStock", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

export function toProduct(r: ProductRow): Product {
  return {
    __typename: 'Product',
    id: toGlobalId('Product', r.id),
    uuid: r.id,
    categoryUuid: r.categoryId,
    createdBySellerUuid: r.createdBySellerId,
    createdByPlugin: r.createdByPlugin,
    minPrice: r.minPrice,
    maxPrice: r.maxPrice,
    slug: r.slug,
    title: r.title,
    description: r.description,
    images: r.images,
    attributes: r.attributes,
    status: r.status,
    inStock: r.inStock,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
