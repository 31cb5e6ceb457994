import { Field, ID, InputType } from 'type-graphql';
import { MailingAddressInput } from '../../core/address';
import { ConsentKind } from './profile.type';

@InputType()
export class CustomerUpdateInput {
  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  locale?: string;

  @Field({
    nullable: true,
    description: 'A business buyer\'s EU VAT number, e.g. "DE123456789" (printed on its invoices; an intra-EU purchase is then reverse-charged). Empty clears it.',
  })
  vatNumber?: string;
}

@InputType()
export class CustomerAddressCreateInput {
  @Field(() => MailingAddressInput)
  address!: MailingAddressInput;

  @Field({ defaultValue: false, description: 'Also true for the first address.' })
  defaultShipping!: boolean;

  @Field({ defaultValue: false, description: 'Also true for the first address.' })
  defaultBilling!: boolean;
}

@InputType()
export class CustomerAddressUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => MailingAddressInput, { nullable: true })
  address?: MailingAddressInput;

  @Field({ nullable: true })
  defaultShipping?: boolean;

  @Field({ nullable: true })
  defaultBilling?: boolean;
}

@InputType()
export class NodeIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class PaymentMethodAddInput {
  @Field({ defaultValue: 'test', description: 'The payment provider that issued the token.' })
  provider!: string;

  @Field({ description: "The provider's reusable card token (the test provider's: tok_visa, tok_mastercard, tok_declined …)." })
  token!: string;

  @Field({ defaultValue: false, description: 'Also true for the first payment method.' })
  makeDefault!: boolean;
}

@InputType()
export class ConsentInput {
  @Field(() => ConsentKind)
  kind!: ConsentKind;

  @Field()
  granted!: boolean;
}

@InputType()
export class CustomerConsentsUpdateInput {
  @Field(() => [ConsentInput])
  consents!: ConsentInput[];

  @Field({ description: 'Where the customer gave or withdrew it, e.g. "web-checkout".' })
  source!: string;
}

@InputType()
export class CustomerEraseInput {
  @Field({ description: "The customer's email, typed again to confirm." })
  confirmEmail!: string;
}
