import type { TxContext } from '../../core/context';
import type { AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { cartUuid, usableCart } from './cart-access';
import { CART_COLUMNS, type CartRow } from './cart.rows';
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
  // The cart locked and its lines read in one statement (one round trip fewer inside the purchase's transaction,
  // issue 14). The lines come from the statement's snapshot, taken before the lock: when the lock waited for a
  // change of the cart that committed meanwhile (every writer of a cart's lines locks and updates its row: cart.service.ts
  // changeCart, cart-merge.ts, cart.privacy.ts, completeCartSql), the row locked is a newer version than the
  // snapshot's (its xmin differs) and the lines are read again, after the lock, as they were before.
  const [row]: (CartRow & { lines: CheckoutCart['lines']; linesCurrent: boolean })[] = await preparedTxQuery(
    ctx.tx,
    `SELECT ${CART_COLUMNS},
            (SELECT s.xmin FROM cart s WHERE s.id = c.id) = c.xmin AS "linesCurrent",
            (SELECT coalesce(json_agg(json_build_object('listingId', l.listing_id, 'quantity', l.quantity, 'options', l.options) ORDER BY l.created_at, l.id), '[]')
               FROM cart_line l WHERE l.cart_id = c.id) AS lines
       FROM cart c WHERE c.id = $1 FOR NO KEY UPDATE`,
    [cartUuid(cartGlobalId, field)],
  );
  const cart = usableCart(ctx.viewer, row, field);
  const lines = row!.linesCurrent
    ? row!.lines
    : await preparedTxQuery(ctx.tx, 'SELECT listing_id AS "listingId", quantity, options FROM cart_line WHERE cart_id = $1 ORDER BY created_at, id', [cart.uuid]);
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
