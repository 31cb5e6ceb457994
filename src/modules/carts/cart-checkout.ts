import type { TxContext } from '../../core/context';
import type { AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { lockCart } from './cart-access';
import { preparedTxQuery } from '../../db/prepared-query';

/** A cart as checkout needs it. Ids are database UUIDs. */
export interface CheckoutCart {
  id: string;
  customerId: string | null;
  /** As given with cartBuyerIdentityUpdate; null when never given. */
  email: string | null;
  shippingAddress: AddressData | null;
  /** Oldest first. */
  lines: { listingId: string; quantity: number; options: Record<string, unknown> }[];
  /** The discount codes entered on the cart, for checkout's adjusters. */
  codes: string[];
}

/**
 * Locks the cart (FOR NO KEY UPDATE, until the transaction ends) for a checkout: nothing changes under it, and a second
 * checkout of the same cart waits, then finds it completed. The rule is the carts' own: a customer may
 * check out its own cart or a guest cart. Failures are UserErrors on ['input', 'cartId']: NOT_FOUND for a
 * cart the viewer may not use, INVALID_STATE when it is no longer active, INVALID when it is empty.
 */
export async function cartForCheckout(ctx: TxContext, cartGlobalId: string): Promise<CheckoutCart> {
  const field = ['input', 'cartId'];
  const cart = await lockCart(ctx, cartGlobalId, field);
  const lines: { listingId: string; quantity: number; options: Record<string, unknown> }[] = await preparedTxQuery(
    ctx.tx,
    'SELECT listing_id AS "listingId", quantity, options FROM cart_line WHERE cart_id = $1 ORDER BY created_at, id',
    [cart.uuid],
  );
  if (!lines.length) fail(field, 'The cart is empty.', ErrorCode.INVALID);
  return { id: cart.uuid, customerId: cart.customerUuid, email: cart.email, shippingAddress: cart.shippingAddress, lines, codes: cart.codes };
}

/**
 * Empties the cart and marks it completed, as CTEs for the checkout's own write of its orders (one round trip
 * fewer while the purchase's rows are locked: issue 14), as recordEventsSql gives the outbox's: `cart` is the SQL
 * parameter of the cart's id; `returning` the select-list items cartCompleted needs from that statement.
 */
export function completeCartSql(cart: string): { ctes: string; returning: string } {
  return {
    ctes: `emptied_cart AS (DELETE FROM cart_line WHERE cart_id = ${cart}),
     completed_cart AS (UPDATE cart SET status = 'completed', updated_at = now() WHERE id = ${cart} RETURNING customer_id)`,
    returning: `(SELECT count(*)::int FROM completed_cart) AS "cartCompleted", (SELECT customer_id FROM completed_cart) AS "cartCustomerId"`,
  };
}

/** What completeCartSql's statement answered for the cart. */
export interface CompletedCart {
  cartCompleted: number;
  cartCustomerId: string | null;
}

/** After the statement that ran completeCartSql: the cart's `cart.updated` event, when it completed the cart. */
export async function cartCompleted(ctx: TxContext, cartId: string, row: CompletedCart): Promise<void> {
  if (row.cartCompleted) await emit(ctx, 'cart.updated', { cartId, customerId: row.cartCustomerId });
}
