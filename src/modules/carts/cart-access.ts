import type { TxContext } from '../../core/context';
import type { Viewer } from '../../auth/viewer';
import { ErrorCode, forbidden } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { CART_COLUMNS, toCart, type CartRow } from './cart.rows';
import type { Cart } from './cart.type';
import { preparedTxQuery } from '../../db/prepared-query';

/** Carts are for shoppers (guests and customers); a seller key or the operator gets FORBIDDEN. */
export function requireShopper(viewer: Viewer): void {
  if (viewer.kind === 'seller' || viewer.kind === 'admin') throw forbidden('Carts are for shoppers: sellers and the operator cannot use them.');
}

/**
 * A guest cart is a bearer capability, as in Shopify's Cart API: its id holds an unguessable UUID, so
 * whoever holds it may use it. A customer's cart is that customer's alone; everyone else gets "not found",
 * never "forbidden", so a cart id reveals nothing.
 */
export function canUseCart(viewer: Viewer, cart: Pick<Cart, 'customerUuid'>): boolean {
  if (cart.customerUuid === null) return viewer.kind === 'guest' || viewer.kind === 'customer';
  return viewer.kind === 'customer' && viewer.customerId === cart.customerUuid;
}

/** Locks the cart named by a global ID for a change; NOT_FOUND under `field` for anyone who may not use it. */
export async function lockCart({ viewer, tx }: TxContext, globalId: string, field: string[]): Promise<Cart> {
  const uuid = cartUuid(globalId, field);
  const rows: CartRow[] = await preparedTxQuery(tx, `SELECT ${CART_COLUMNS} FROM cart c WHERE c.id = $1 FOR NO KEY UPDATE`, [uuid]);
  const cart = rows[0] ? toCart(rows[0]) : null;
  if (!cart || !canUseCart(viewer, cart)) fail(field, 'Cart not found.', ErrorCode.NOT_FOUND);
  if (cart.status !== 'active') fail(field, `This cart is ${cart.status}; start a new one.`, ErrorCode.INVALID_STATE);
  return cart;
}

/** The cart's uuid from its global ID, or INVALID_ID under `field`. */
export function cartUuid(globalId: string, field: string[]): string {
  const uuid = idOf(globalId, 'Cart');
  if (!uuid) fail(field, 'Not a valid Cart ID.', ErrorCode.INVALID_ID);
  return uuid;
}
