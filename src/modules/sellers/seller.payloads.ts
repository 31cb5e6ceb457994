import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Seller } from './seller.type';
import { SellerApiKey } from './seller-api-key.type';

@ObjectType({ simpleResolvers: true })
export class SellerPayload extends Payload {
  @Field(() => Seller, { nullable: true })
  seller?: Seller;
}

@ObjectType({ simpleResolvers: true })
export class SellerCreatePayload extends Payload {
  @Field(() => Seller, { nullable: true })
  seller?: Seller;

  @Field(() => SellerApiKey, { nullable: true })
  apiKey?: SellerApiKey;

  @Field(() => String, { nullable: true, description: 'The first API key of the seller. Shown only once.' })
  apiKeySecret?: string;
}

@ObjectType({ simpleResolvers: true })
export class SellerApiKeyCreatePayload extends Payload {
  @Field(() => SellerApiKey, { nullable: true })
  apiKey?: SellerApiKey;

  @Field(() => String, { nullable: true, description: 'The key to send as `Authorization: Bearer …`. Shown only once.' })
  secret?: string;
}

@ObjectType({ simpleResolvers: true })
export class SellerApiKeyRevokePayload extends Payload {
  @Field(() => SellerApiKey, { nullable: true })
  apiKey?: SellerApiKey;
}

@ObjectType()
export class SellerConnection extends connectionType('Seller', Seller) {}
