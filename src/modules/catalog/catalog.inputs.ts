import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';
import { PageArgs } from '../../core/connection';
import { MoneyInput } from '../../core/money';
import { ListingCondition } from './listing.type';
import { ProductLanguage, ProductStatus } from './product.type';

export enum ProductSort {
  NEWEST = 'NEWEST',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
  TITLE = 'TITLE',
  MOST_LIKED = 'MOST_LIKED',
  TRENDING = 'TRENDING',
}
registerEnumType(ProductSort, {
  name: 'ProductSort',
  description:
    'Price sorts use the lowest visible listing price. MOST_LIKED: most likes first. TRENDING: likes, sales and views, each halved in weight every 72 hours (reviews/trending.ts).',
});

@InputType({ description: 'Listing-level conditions (seller, price, condition, stock) must all hold for one listing.' })
export class ProductFilter {
  @Field(() => ID, { nullable: true, description: 'The category or any of its descendants.' })
  category?: string;

  @Field(() => ID, { nullable: true, description: 'Products this seller lists.' })
  seller?: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Minor units, inclusive.' })
  priceMin?: number;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Minor units, inclusive.' })
  priceMax?: number;

  @Field({ nullable: true })
  inStock?: boolean;

  @Field(() => ListingCondition, { nullable: true })
  condition?: ListingCondition;
}

@ArgsType()
export class ProductsArgs extends PageArgs {
  @Field(() => ProductFilter, { nullable: true })
  filter?: ProductFilter;

  @Field(() => ProductSort, { defaultValue: ProductSort.NEWEST })
  sort!: ProductSort;
}

@InputType()
export class ImageInput {
  @Field()
  url!: string;

  @Field({ nullable: true })
  alt?: string;
}

@InputType()
export class SelectedOptionInput {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@InputType()
export class VariantInput {
  @Field({ nullable: true, description: 'Defaults to the option values, e.g. "M / Red".' })
  title?: string;

  @Field(() => [SelectedOptionInput], { defaultValue: [] })
  options!: SelectedOptionInput[];

  @Field({ nullable: true })
  gtin?: string;
}

@InputType()
export class ProductCreateInput {
  @Field({ nullable: true, description: 'Defaults to a slug of the title.' })
  slug?: string;

  @Field()
  title!: string;

  @Field({ nullable: true })
  description?: string;

  @Field(() => ID, { nullable: true })
  categoryId?: string;

  @Field(() => [ImageInput], { defaultValue: [] })
  images!: ImageInput[];

  @Field(() => JSONObjectResolver, { nullable: true })
  attributes?: Record<string, unknown>;

  @Field(() => ProductStatus, { defaultValue: ProductStatus.ACTIVE })
  status!: ProductStatus;

  @Field(() => ProductLanguage, { nullable: true, description: 'The language of its title and description; Spanish (ES) when omitted.' })
  language?: ProductLanguage;

  @Field(() => [VariantInput], { nullable: true, description: 'At least one; a single "Default" variant when omitted.' })
  variants?: VariantInput[];
}

@InputType()
export class ProductUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  slug?: string;

  @Field({ nullable: true })
  title?: string;

  @Field({ nullable: true })
  description?: string;

  @Field(() => ID, { nullable: true })
  categoryId?: string;

  @Field(() => [ImageInput], { nullable: true })
  images?: ImageInput[];

  @Field(() => JSONObjectResolver, { nullable: true })
  attributes?: Record<string, unknown>;

  @Field(() => ProductStatus, {
    nullable: true,
    description:
      "DRAFT or ARCHIVED takes the product off the storefront: refused for a seller (PRODUCT_SHARED) while other sellers have active listings of it; archive your own listings instead. The operator may always.",
  })
  status?: ProductStatus;
}

@InputType()
export class ProductArchiveInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class ProductVariantsCreateInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => [VariantInput])
  variants!: VariantInput[];
}

@InputType()
export class ProductVariantUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  title?: string;

  @Field(() => [SelectedOptionInput], { nullable: true })
  options?: SelectedOptionInput[];

  @Field({ nullable: true })
  gtin?: string;
}

@InputType()
export class ListingCreateInput {
  @Field(() => ID, { nullable: true, description: 'Required for the operator; a seller key lists for itself.' })
  sellerId?: string;

  @Field(() => ID, { nullable: true, description: 'The variant to list; or give `gtin` to list an existing product by barcode.' })
  variantId?: string;

  @Field({ nullable: true })
  gtin?: string;

  @Field()
  sku!: string;

  @Field(() => MoneyInput)
  price!: MoneyInput;

  @Field(() => MoneyInput, { nullable: true })
  compareAtPrice?: MoneyInput;

  @Field(() => Int, { defaultValue: 0 })
  stock!: number;

  @Field(() => ListingCondition, { defaultValue: ListingCondition.NEW })
  condition!: ListingCondition;

  @Field(() => Int, { defaultValue: 1 })
  handlingDays!: number;
}

@InputType()
export class ListingUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  sku?: string;

  @Field(() => MoneyInput, { nullable: true })
  price?: MoneyInput;

  @Field(() => MoneyInput, { nullable: true, description: 'Send amount 0 to clear.' })
  compareAtPrice?: MoneyInput;

  @Field(() => ListingCondition, { nullable: true })
  condition?: ListingCondition;

  @Field(() => Int, { nullable: true })
  handlingDays?: number;
}

@InputType()
export class ListingArchiveInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class ListingStockSetInput {
  @Field(() => ID)
  listingId!: string;

  @Field(() => Int)
  stock!: number;
}

@InputType()
export class ListingStockAdjustInput {
  @Field(() => ID)
  listingId!: string;

  @Field(() => Int, { description: 'Added to the stock; refused if the result would be negative.' })
  delta!: number;
}

@InputType()
export class CategoryCreateInput {
  @Field()
  slug!: string;

  @Field()
  name!: string;

  @Field(() => ID, { nullable: true })
  parentId?: string;

  @Field(() => Int, { defaultValue: 0 })
  position!: number;
}

@InputType()
export class CategoryUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  slug?: string;

  @Field({ nullable: true })
  name?: string;

  @Field(() => Int, { nullable: true })
  position?: number;
}

@InputType()
export class ProductRevisionRevertInput {
  @Field(() => ID)
  revisionId!: string;
}
