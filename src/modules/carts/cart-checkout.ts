import type { TxContext } from '../../core/context';
import type { AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { canUseCart } from './cart-access';
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

/** A row of lockedCartSql's `checkout_cart`. */
export interface LockedCart {
  id: string;
  customerId: string | null;
  status: string;
  email: string | null;
  shippingAddress: AddressData | null;
  codes: string[];
  linesCurrent: boolean;
  lines: CheckoutCart['lines'];
}

/**
 * The cart locked and read with its lines, as a CTE (`checkout_cart`) for the checkout's own first statement, as
 * completeCartSql gives its last one (one round trip fewer inside the purchase's transaction, issue 14); `cart`
 * is the SQL parameter of the cart's id, `gate` a condition the lock waits for (the checkout's key claimed
 * first: copies of one request then queue on the key, never on the cart); `column` the select-list item that
 * answers the row as JSON (checkoutCartOf reads it). The lines come from the statement's snapshot, taken before
 * the lock: when a change of the cart committed after the snapshot (every writer of a cart's lines updates the cart's
 * row in the same transaction: cart.service.ts changeCart, cart-merge.ts, cart.privacy.ts, completeCartSql,
 * cart-create.ts; a writer that only locked the row would go unseen here), the row locked is a newer version than
 * the snapshot's (its xmin differs) and checkoutCartOf reads the lines again.
 */
export function lockedCartSql(cart: string, gate = 'true'): { ctes: string; column: string } {
  return {
    ctes: `checkout_cart AS (
       SELECT c.id, c.customer_id AS "customerId", c.status, c.email, c.shipping_address AS "shippingAddress", c.codes,
              (SELECT s.xmin FROM cart s WHERE s.id = c.id) = c.xmin AS "linesCurrent",
              (SELECT coalesce(json_agg(json_build_object('listingId', l.listing_id, 'quantity', l.quantity, 'options', l.options) ORDER BY l.created_at, l.id), '[]')
                 FROM cart_line l WHERE l.cart_id = c.id) AS lines
         FROM cart c WHERE c.id = ${cart} AND ${gate} FOR NO KEY UPDATE)`,
    column: '(SELECT row_to_json(x) FROM checkout_cart x) AS "checkoutCart"',
  };
}

/**
 * The checkout's cart from lockedCartSql's row (none: not found). The row is locked (FOR NO KEY UPDATE, until the
 * transaction ends): nothing changes under it, and a second checkout of the same cart waits, then finds it completed.
 * The rule is the carts' own: a customer may check out its own cart or a guest cart. Failures are UserErrors on
 * `field`: NOT_FOUND for a cart the viewer may not use, INVALID_STATE when it is no longer active, INVALID when empty.
 */
export async function checkoutCartOf(ctx: TxContext, row: LockedCart | null | undefined, field: string[]): Promise<CheckoutCart> {
  if (!row || !canUseCart(ctx.viewer, { customerUuid: row.customerId })) fail(field, 'Cart not found.', ErrorCode.NOT_FOUND);
  if (row.status !== 'active') fail(field, `This cart is ${row.status}; start a new one.`, ErrorCode.INVALID_STATE);
  const lines = row.linesCurrent
    ? row.lines
    : await preparedTxQuery(ctx.tx, 'SELECT listing_id AS "listingId", quantity, options FROM cart_line WHERE cart_id = $1 ORDER BY created_at, id', [row.id]);
  if (!lines.length) fail(field, 'The cart is empty.', ErrorCode.INVALID);
  return { id: row.id, customerId: row.customerId, email: row.email, shippingAddress: row.shippingAddress, lines, codes: row.codes };
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
