import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { Node, type NodeSource } from '../../core/node';
import type { Locale } from '../../core/locale';
import type { ProductImage } from './catalog.entity';

export enum ProductStatus {
  DRAFT = 'draft',
  ACTIVE = 'active',
  ARCHIVED = 'archived',
}
registerEnumType(ProductStatus, { name: 'ProductStatus' });

/** The language of a product's content: it decides how search stems its words (issue 12). */
export enum ProductLanguage {
  ES = 'es',
  EN = 'en',
}
registerEnumType(ProductLanguage, { name: 'ProductLanguage', description: 'Spanish or English: the stemming of its words in search.' });

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
  /**
   * The languages it has a translation in (product-translations.ts), read with the row: a reader of any other
   * language gets its own content without a lookup, so a page of untranslated products costs no statement for it.
   */
  translatedLocales!: readonly Locale[];

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

  @Field(() => ProductLanguage)
  language!: ProductLanguage;

  @Field({ description: 'Whether any visible listing has stock.' })
  inStock!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
