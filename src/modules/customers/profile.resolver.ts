import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { Customer } from './customer.type';
import { Consent, CustomerAddress, PaymentMethod } from './profile.type';
import {
  CustomerAddressCreateInput,
  CustomerAddressUpdateInput,
  CustomerConsentsUpdateInput,
  CustomerEraseInput,
  CustomerUpdateInput,
  NodeIdInput,
  PaymentMethodAddInput,
} from './profile.inputs';
import {
  CustomerAddressDeletePayload,
  CustomerAddressPayload,
  CustomerConsentsPayload,
  CustomerDataExportPayload,
  CustomerErasePayload,
  CustomerPayload,
  PaymentMethodPayload,
  PaymentMethodRemovePayload,
} from './profile.payloads';
import * as addresses from './address.service';
import * as paymentMethods from './payment-method.service';
import * as consents from './consent.service';
import * as privacy from './privacy.service';
import { updateCustomer } from './customer-update.service';

/** The customer's profile: only ever resolved for the customer itself (or the operator). */
@Resolver(() => Customer)
export class ProfileResolver {
  @FieldResolver(() => [CustomerAddress])
  addresses(@Ctx() ctx: Context, @Root() customer: Customer) {
    return addresses.listAddresses(ctx, customer.uuid);
  }

  @FieldResolver(() => CustomerAddress, { nullable: true })
  async defaultShippingAddress(@Ctx() ctx: Context, @Root() customer: Customer) {
    return (await addresses.listAddresses(ctx, customer.uuid)).find((a) => a.isDefaultShipping) ?? null;
  }

  @FieldResolver(() => [PaymentMethod])
  paymentMethods(@Ctx() ctx: Context, @Root() customer: Customer) {
    return paymentMethods.listPaymentMethods(ctx, customer.uuid);
  }

  @FieldResolver(() => [Consent])
  consents(@Ctx() ctx: Context, @Root() customer: Customer) {
    return consents.listConsents(ctx, customer.uuid);
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerPayload)
  customerUpdate(@Ctx() ctx: Context, @Arg('input') input: CustomerUpdateInput) {
    return payload(() => updateCustomer(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerAddressPayload)
  customerAddressCreate(@Ctx() ctx: Context, @Arg('input') input: CustomerAddressCreateInput) {
    return payload(() => addresses.createAddress(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerAddressPayload)
  customerAddressUpdate(@Ctx() ctx: Context, @Arg('input') input: CustomerAddressUpdateInput) {
    return payload(() => addresses.updateAddress(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerAddressDeletePayload)
  customerAddressDelete(@Ctx() ctx: Context, @Arg('input') input: NodeIdInput) {
    return payload(() => addresses.deleteAddress(ctx, input.id));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => PaymentMethodPayload, { description: "Save a provider's card token for one-click buying." })
  paymentMethodAdd(@Ctx() ctx: Context, @Arg('input') input: PaymentMethodAddInput) {
    return payload(() => paymentMethods.addPaymentMethod(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => PaymentMethodPayload)
  paymentMethodSetDefault(@Ctx() ctx: Context, @Arg('input') input: NodeIdInput) {
    return payload(() => paymentMethods.setDefaultPaymentMethod(ctx, input.id));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => PaymentMethodRemovePayload)
  paymentMethodRemove(@Ctx() ctx: Context, @Arg('input') input: NodeIdInput) {
    return payload(() => paymentMethods.removePaymentMethod(ctx, input.id));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerConsentsPayload, { description: 'Give or withdraw consents; each keeps when and where.' })
  customerConsentsUpdate(@Ctx() ctx: Context, @Arg('input') input: CustomerConsentsUpdateInput) {
    return payload(() => consents.updateConsents(ctx, input));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerDataExportPayload, { description: 'Everything held about you, as JSON.' })
  customerDataExport(@Ctx() ctx: Context) {
    return payload(() => privacy.exportCustomerData(ctx));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => CustomerErasePayload, { description: 'Erase your personal data; invoices are kept as the law requires.' })
  customerErase(@Ctx() ctx: Context, @Arg('input') input: CustomerEraseInput) {
    return payload(() => privacy.eraseCustomer(ctx, input));
  }
}
