import { Field, ID, InputType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { sellerScopeDescriptions, sellerScopes } from '../../auth/viewer';
import { MailingAddressInput } from '../../core/address';

@InputType()
export class SellerCreateInput {
  @Field({ description: 'URL name, e.g. "acme-store".' })
  slug!: string;

  @Field()
  name!: string;

  @Field({ nullable: true })
  description?: string;

  @Field({ nullable: true, description: 'Legal name for invoices.' })
  legalName?: string;

  @Field({ nullable: true, description: 'Tax id (NIF/VAT number) for invoices.' })
  taxId?: string;

  @Field(() => MailingAddressInput, { nullable: true, description: 'Legal (registered) address, printed on invoices; required before the first sale.' })
  address?: MailingAddressInput;
}

@InputType()
export class SellerUpdateInput {
  @Field(() => ID, { nullable: true, description: 'Required for the operator; a seller key updates itself.' })
  sellerId?: string;

  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  description?: string;

  @Field({ nullable: true })
  legalName?: string;

  @Field({ nullable: true })
  taxId?: string;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Flat shipping per order, minor units.' })
  shippingRate?: number;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Order subtotal from which shipping is free; 0 clears it.' })
  freeShippingThreshold?: number;

  @Field({ nullable: true, description: 'Invoice series prefix: 2–10 capital letters or digits.' })
  invoicePrefix?: string;

  @Field(() => MailingAddressInput, { nullable: true, description: 'Legal (registered) address, printed on invoices; required before the first sale.' })
  address?: MailingAddressInput;
}

@InputType()
export class SellerSuspendInput {
  @Field(() => ID)
  sellerId!: string;

  @Field({ nullable: true })
  reason?: string;
}

@InputType()
export class SellerReactivateInput {
  @Field(() => ID)
  sellerId!: string;
}

@InputType()
export class SellerApiKeyCreateInput {
  @Field(() => ID, { nullable: true, description: 'Required for the operator; a seller key creates keys for itself.' })
  sellerId?: string;

  @Field()
  name!: string;

  @Field(() => [String], {
    nullable: true,
    description: [
      'What the key may do beyond reading public data and its own seller profile (a key with no scopes can do nothing else):',
      ...sellerScopes.map((s) => `- \`${s}\`: ${sellerScopeDescriptions[s]}`),
      'Default: the scopes of the key in use (every scope when the operator creates the key).',
    ].join('\n'),
  })
  scopes?: string[];
}

@InputType()
export class SellerApiKeyRevokeInput {
  @Field(() => ID)
  id!: string;
}
