import { Field, ObjectType } from 'type-graphql';
import { Node } from '../../core/node';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A seller API key; the secret is shown only when created.' })
export class SellerApiKey extends Node {
  __typename!: 'SellerApiKey';

  @Field()
  name!: string;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field(() => [String], { description: 'What the key may do; SellerApiKeyCreateInput.scopes describes each scope.' })
  scopes!: string[];

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}
