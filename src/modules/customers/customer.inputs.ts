import { Field, InputType } from 'type-graphql';

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
}

@InputType()
export class CustomerLoginInput {
  @Field()
  email!: string;

  @Field()
  password!: string;
}
