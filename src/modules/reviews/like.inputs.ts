import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class ProductLikeInput {
  @Field(() => ID)
  productId!: string;
}
