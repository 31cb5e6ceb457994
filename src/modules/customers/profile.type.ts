import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress } from '../../core/address';
import { Node } from '../../core/node';

export enum ConsentKind {
  MARKETING = 'marketing',
  PERSONALIZATION = 'personalization',
  SHARE_PROFILE_WITH_SELLERS = 'share_profile_with_sellers',
}
registerEnumType(ConsentKind, {
  name: 'ConsentKind',
  valuesConfig: {
    SHARE_PROFILE_WITH_SELLERS: { description: "Sellers of the customer's orders may see their email and phone." },
  },
});

@ObjectType({ implements: Node, simpleResolvers: true, description: "One of the customer's saved addresses." })
export class CustomerAddress extends Node {
  __typename!: 'CustomerAddress';

  @Field(() => MailingAddress)
  address!: MailingAddress;

  @Field()
  isDefaultShipping!: boolean;

  @Field()
  isDefaultBilling!: boolean;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A saved card: a provider token, shown by brand and last digits.' })
export class PaymentMethod extends Node {
  __typename!: 'PaymentMethod';

  @Field()
  provider!: string;

  @Field()
  brand!: string;

  @Field()
  last4!: string;

  @Field(() => Int)
  expMonth!: number;

  @Field(() => Int)
  expYear!: number;

  @Field()
  isDefault!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A consent as last given or withdrawn, with when and where.' })
export class Consent {
  @Field(() => ConsentKind)
  kind!: ConsentKind;

  @Field()
  granted!: boolean;

  @Field({ description: 'Where it was given, e.g. "web-checkout", "mobile-settings".' })
  source!: string;

  @Field()
  updatedAt!: Date;
}
