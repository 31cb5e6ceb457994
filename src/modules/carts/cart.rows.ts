import type { AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import type { Cart, CartLine, CartStatus } from './cart.type';

/** Tables from migrations/1763900100000-buying.ts. A guest cart has no customer: its unguessable id is the key. */
export interface CartRow {
  id: string;
  customerId: string | null;
  currency: string;
  email: string | null;
  shippingAddress: AddressData | null;
  status: CartStatus;
  codes: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const CART_COLUMNS = `c.id, c.customer_id AS "customerId", c.currency, c.email, c.shipping_address AS "shippingAddress",
  c.status, c.codes, c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

export function toCart(r: CartRow): Cart {
  return {
    __typename: 'Cart',
    id: toGlobalId('Cart', r.id),
    uuid: r.id,
    customerUuid: r.customerId,
    status: r.status,
    currency: r.currency,
    email: r.email,
    shippingAddress: r.shippingAddress,
    codes: r.codes,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export interface CartLineRow {
  id: string;
  cartId: string;
  listingId: string;
  quantity: number;
  /** The listing's price when the line was added; a later change is reported as a PRICE_CHANGED warning. */
  priceAtAdd: number;
  currency: string;
  createdAt: Date;
}

/** Selects a CartLineRow from `cart_line cl JOIN cart c`. */
export const CART_LINE_COLUMNS = `cl.id, cl.cart_id AS "cartId", cl.listing_id AS "listingId", cl.quantity,
  cl.price_at_add AS "priceAtAdd", c.currency, cl.created_at AS "createdAt"`;

/**
 * created_at of the n-th row of a multi-row insert (`unnest(...) WITH ORDINALITY AS u(..., n)`). Lines are
 * shown in created_at order and now() is the same for a whole transaction, so lines added together would
 * tie: a microsecond apart, they keep the order they were given in.
 */
export const IN_INPUT_ORDER = "now() + (u.n - 1) * interval '1 microsecond'";

export function toCartLine(r: CartLineRow): CartLine {
  return {
    __typename: 'CartLine',
    id: toGlobalId('CartLine', r.id),
    uuid: r.id,
    cartUuid: r.cartId,
    listingUuid: r.listingId,
    quantity: r.quantity,
    priceAtAdd: new Money(r.priceAtAdd, r.currency),
    createdAt: r.createdAt,
  };
}
