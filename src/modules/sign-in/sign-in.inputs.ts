import { Field, ID, InputType } from 'type-graphql';
import { ConsentKind } from '../customers';

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

  @Field(() => [ConsentKind], { nullable: true, description: 'Consents ticked on the sign-up form (each kind at most once); the others stay not given.' })
  consents?: ConsentKind[];

  @Field(() => ID, { nullable: true, description: "The guest cart to bring into the account: adopted, or merged into the customer's cart." })
  cartId?: string;

  @Field({ nullable: true, description: 'The anonymous visitor id (visitorCreate) the guest tracked events with: they join the account (with the personalization consent).' })
  visitorId?: string;
}

@InputType()
export class CustomerLoginInput {
  @Field()
  email!: string;

  @Field()
  password!: string;

  @Field(() => ID, { nullable: true, description: "The guest cart to bring into the account: adopted, or merged into the customer's cart." })
  cartId?: string;

  @Field({ nullable: true, description: 'The anonymous visitor id (visitorCreate) the guest tracked events with: they join the account (with the personalization consent).' })
  visitorId?: string;
}

@InputType()
export class CustomerAccessTokenRenewInput {
  @Field({ description: 'The refresh token of the last sign-in or renewal; each is good for one renewal.' })
  refreshToken!: string;
}

@InputType()
export class CustomerLogoutInput {
  @Field({ nullable: true, description: "Ends this refresh token's session; without it, the session of the access token sent." })
  refreshToken?: string;
}

@InputType()
export class CustomerPasswordChangeInput {
  @Field()
  currentPassword!: string;

  @Field({ description: 'At least 10 characters.' })
  newPassword!: string;
}

@InputType()
export class CustomerPasswordResetRequestInput {
  @Field()
  email!: string;
}

@InputType()
export class CustomerPasswordResetInput {
  @Field({ description: 'The token of the password-reset message.' })
  token!: string;

  @Field({ description: 'At least 10 characters.' })
  newPassword!: string;
}

@InputType()
export class CustomerEmailVerifyInput {
  @Field({ description: 'The token of the verification message.' })
  token!: string;
}
