import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Node } from '../../core/node';
import type { CustomerAddressEntity, CustomerConsentEntity, PaymentMethodEntity } from './profile.entity';

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

export function toCustomerAddress(e: CustomerAddressEntity): CustomerAddress {
  return {
    __typename: 'CustomerAddress',
    id: toGlobalId('CustomerAddress', e.id),
    address: {
      name: e.name,
      line1: e.line1,
      line2: e.line2,
      city: e.city,
      region: e.region,
      postalCode: e.postalCode,
      country: e.country,
      phone: e.phone,
    },
    isDefaultShipping: e.isDefaultShipping,
    isDefaultBilling: e.isDefaultBilling,
  };
}

export function toPaymentMethod(e: PaymentMethodEntity): PaymentMethod {
  return {
    __typename: 'PaymentMethod',
    id: toGlobalId('PaymentMethod', e.id),
    provider: e.provider,
    brand: e.brand,
    last4: e.last4,
    expMonth: e.expMonth,
    expYear: e.expYear,
    isDefault: e.isDefault,
  };
}

export function toConsent(e: CustomerConsentEntity): Consent {
  return { kind: e.kind as ConsentKind, granted: e.granted, source: e.source, updatedAt: e.updatedAt };
}
