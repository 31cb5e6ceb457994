import { toGlobalId } from '../../core/global-id';
import type { CustomerAddressEntity, CustomerConsentEntity, PaymentMethodEntity } from './profile.entity';
import type { Consent, ConsentKind, CustomerAddress, PaymentMethod } from './profile.type';

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
