import { Field, ObjectType } from 'type-graphql';
import { Node, type NodeSource } from '../../core/node';
import { toGlobalId } from '../../core/global-id';
import type { CustomerEntity } from './customer.entity';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A shopper; one customer buys from every seller.' })
export class Customer extends Node implements NodeSource {
  __typename!: 'Customer';
  uuid!: string;

  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field({ description: 'BCP 47 language tag, e.g. "es" or "en".' })
  locale!: string;

  @Field()
  createdAt!: Date;
}

export function toCustomer(e: CustomerEntity): Customer {
  return {
    __typename: 'Customer',
    id: toGlobalId('Customer', e.id),
    uuid: e.id,
    email: e.email,
    name: e.name,
    locale: e.locale,
    createdAt: e.createdAt,
  };
}
