import { Field, Int, ObjectType } from 'type-graphql';
import { Payload } from '../../core/payload';
import { Customer } from '../customers';

@ObjectType({ simpleResolvers: true })
export class CustomerAccessToken {
  @Field({ description: 'Send as `Authorization: Bearer …` over HTTP, or `authorization` in graphql-ws connectionParams.' })
  accessToken!: string;

  @Field({ description: 'Short-lived (15 minutes by default): renew it with the refresh token before then.' })
  expiresAt!: Date;

  @Field({ description: 'Exchange it for a new access token and a new refresh token (`customerAccessTokenRenew`); each works once. Keep it secret.' })
  refreshToken!: string;

  @Field({ description: 'When the session ends: sign in again after this.' })
  refreshTokenExpiresAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class CustomerAuthPayload extends Payload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer;

  @Field(() => CustomerAccessToken, { nullable: true })
  customerAccessToken?: CustomerAccessToken;
}

@ObjectType({ simpleResolvers: true })
export class CustomerLogoutPayload extends Payload {
  @Field(() => Int, { nullable: true, description: 'How many sessions this ended.' })
  endedSessions?: number;
}

@ObjectType({ simpleResolvers: true })
export class CustomerPasswordResetRequestPayload extends Payload {
  @Field({ nullable: true, description: 'The same whether or not an account has this email.' })
  message?: string;
}

@ObjectType({ simpleResolvers: true })
export class CustomerEmailVerifyPayload extends Payload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer;
}
