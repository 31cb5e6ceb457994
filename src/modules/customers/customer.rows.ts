import { toGlobalId } from '../../core/global-id';
import type { CustomerEntity } from './customer.entity';
import type { Customer } from './customer.type';

export function toCustomer(e: CustomerEntity): Customer {
  return {
    __typename: 'Customer',
    id: toGlobalId('Customer', e.id),
    uuid: e.id,
    email: e.email,
    name: e.name,
    locale: e.locale,
    vatNumber: e.vatNumber,
    emailVerified: e.emailVerifiedAt != null,
    createdAt: e.createdAt,
  };
}
