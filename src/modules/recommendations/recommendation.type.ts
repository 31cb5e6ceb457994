import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Product } from '../catalog';

@ObjectType({ simpleResolvers: true, description: 'A product recommended next to another, with why.' })
export class ProductRecommendation {
  productUuid!: string;

  @Field(() => Product)
  product!: Product;

  @Field(() => Float, { description: 'Cosine similarity of the two products’ baskets, 0–1.' })
  score!: number;

  @Field(() => Int, { description: 'Baskets that held both: checkouts (alsoBought) or a customer’s day of views (alsoViewed).' })
  basketCount!: number;

  @Field({ description: 'A short reason to show, e.g. "Bought together in 12 orders".' })
  reason!: string;
}
