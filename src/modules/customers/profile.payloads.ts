import { Field, ObjectType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { Payload } from '../../core/payload';
import { Customer } from './customer.type';
import { Consent, CustomerAddress, PaymentMethod } from './profile.type';

@ObjectType({ simpleResolvers: true })
export class CustomerPayload extends Payload {
  @Field(() => Customer, { nullable: true })
  customer?: Customer;
}

@ObjectType({ simpleResolvers: true })
export class CustomerAddressPayload extends Payload {
  @Field(() => CustomerAddress, { nullable: true })
  address?: CustomerAddress;
}

@ObjectType({ simpleResolvers: true })
export class CustomerAddressDeletePayload extends Payload {
  @Field(() => String, { nullable: true })
  deletedId?: string;
}

@ObjectType({ simpleResolvers: true })
export class PaymentMethodPayload extends Payload {
  @Field(() => PaymentMethod, { nullable: true })
  paymentMethod?: PaymentMethod;
}

@ObjectType({ simpleResolvers: true })
export class PaymentMethodRemovePayload extends Payload {
  @Field(() => String, { nullable: true })
  removedId?: string;
}

@ObjectType({ simpleResolvers: true })
export class CustomerConsentsPayload extends Payload {
  @Field(() => [Consent], { nullable: true })
  consents?: Consent[];
}

@ObjectType({ simpleResolvers: true })
export class CustomerDataExportPayload extends Payload {
  @Field(() => JSONObjectResolver, { nullable: true, description: 'Everything Zoco holds about the customer (GDPR art. 15 and 20).' })
  data?: Record<string, unknown>;
}

@ObjectType({ simpleResolvers: true })
export class CustomerErasePayload extends Payload {
  @Field({ nullable: true })
  erased?: boolean;
}
