import { Field, InputType, ObjectType } from 'type-graphql';
import type { Validator } from './validate';

/** A postal address as stored in jsonb (carts, orders, invoices) and in customer_address. */
export interface AddressData {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  phone: string | null;
}

@ObjectType({ simpleResolvers: true })
export class MailingAddress implements AddressData {
  @Field()
  name!: string;

  @Field()
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field()
  city!: string;

  @Field(() => String, { nullable: true, description: 'Province or state.' })
  region!: string | null;

  @Field()
  postalCode!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. "ES".' })
  country!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;
}

@InputType()
export class MailingAddressInput {
  @Field()
  name!: string;

  @Field()
  line1!: string;

  @Field({ nullable: true })
  line2?: string;

  @Field()
  city!: string;

  @Field({ nullable: true })
  region?: string;

  @Field()
  postalCode!: string;

  @Field()
  country!: string;

  @Field({ nullable: true })
  phone?: string;
}

/** Checks an address input under `field` (e.g. "shippingAddress") and returns it normalised. */
export function validateAddress(v: Validator, field: string, input: MailingAddressInput): AddressData {
  v.text(`${field}.name`, input.name, { max: 120 });
  v.text(`${field}.line1`, input.line1, { max: 200 });
  v.text(`${field}.line2`, input.line2, { required: false, max: 200 });
  v.text(`${field}.city`, input.city, { max: 100 });
  v.text(`${field}.region`, input.region, { required: false, max: 100 });
  v.text(`${field}.postalCode`, input.postalCode, { max: 20 });
  v.country(`${field}.country`, input.country);
  v.text(`${field}.phone`, input.phone, { required: false, max: 30 });
  return {
    name: input.name.trim(),
    line1: input.line1.trim(),
    line2: input.line2?.trim() || null,
    city: input.city.trim(),
    region: input.region?.trim() || null,
    postalCode: input.postalCode.trim(),
    country: input.country.toUpperCase(),
    phone: input.phone?.trim() || null,
  };
}
