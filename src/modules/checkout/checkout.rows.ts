import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import type { Checkout } from './checkout.type';

export interface CheckoutRow {
  id: string;
  customerId: string;
  total: number;
  currency: string;
  createdAt: Date;
}

export function toCheckout(r: CheckoutRow): Checkout {
  return {
    __typename: 'Checkout',
    id: toGlobalId('Checkout', r.id),
    uuid: r.id,
    customerUuid: r.customerId,
    total: new Money(r.total, r.currency),
    createdAt: r.createdAt,
  };
}
