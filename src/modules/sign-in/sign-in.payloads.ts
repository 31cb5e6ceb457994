import { Field, ObjectType } from 'type-graphql';
import { Payload } from '../../core/payload';
import { Customer } from '../customers';

@ObjectType({ simpleResolvers: true })
export class CustomerAccessToken {
  @Field({ description: 'Send as `Authorization: Bearer …` over HTTP, or `authorization` in graphql-ws connectionParams.' })
  accessToken!: string;

  @Field()
  expiresAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class CustomerAuthPayload extends Payload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer;

  @Field(() => CustomerAccessToken, { nullable: true })
  customerAccessToken?: CustomerAccessToken;
}
