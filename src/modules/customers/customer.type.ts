import { Field, ObjectType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A shopper; one customer buys from every seller.' })
export class Customer extends Node implements NodeSource {
  __typename!: 'Customer';
  uuid!: string;

  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field({ description: 'Whether the customer has followed the link of the verification message sent at sign-up (or of a password reset).' })
  emailVerified!: boolean;

  @Field({ description: 'BCP 47 language tag, e.g. "es" or "en".' })
  locale!: string;

  @Field(() => String, { nullable: true, description: 'EU VAT number of a business buyer, as printed on its invoices; null for a consumer.' })
  vatNumber!: string | null;

  @Field()
  createdAt!: Date;
}
