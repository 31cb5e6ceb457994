import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class ProductTranslationInput {
  @Field({ description: 'Language: "es" or "en".' })
  locale!: string;

  @Field()
  title!: string;

  @Field({ nullable: true, description: 'Default: empty.' })
  description?: string;
}

@InputType()
export class ProductTranslationsSetInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => [ProductTranslationInput], { description: 'At most one per language; each replaces that language’s content.' })
  translations!: ProductTranslationInput[];

  @Field(() => [String], { nullable: true, description: 'Languages whose translation to remove (the product’s own content shows again).' })
  remove?: string[];
}
