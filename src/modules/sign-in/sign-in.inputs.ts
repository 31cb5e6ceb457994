import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CustomerSignUpInput {
  @Field()
  email!: string;

  @Field({ description: 'At least 10 characters.' })
  password!: string;

  @Field()
  name!: string;

  @Field({ nullable: true, defaultValue: 'en' })
  locale?: string;

  @Field(() => ID, { nullable: true, description: "The guest cart to bring into the account: adopted, or merged into the customer's cart." })
  cartId?: string;
}

@InputType()
export class CustomerLoginInput {
  @Field()
  email!: string;

  @Field()
  password!: string;

  @Field(() => ID, { nullable: true, description: "The guest cart to bring into the account: adopted, or merged into the customer's cart." })
  cartId?: string;
}
