import type { TxContext } from '../../core/context';
import { emit } from '../../events/outbox';
import { CART_COLUMNS, toCart, type CartRow } from './cart.rows';
import type { Cart } from './cart.type';
import { forgetCart } from './cart.loaders';

/** At most this many codes on a cart (the column's CHECK agrees). */
export const MAX_CART_CODES = 10;

/**
 * Replaces the cart's discount codes, on a cart the caller locked (lockCart). Which codes are valid is the
 * promotions module's rule (cartCodeApply); the cart only keeps them and hands them to checkout.
 */
export async function saveCartCodes(ctx: TxContext, cart: Cart, codes: string[]): Promise<Cart> {
  const [[row]]: [CartRow[], number] = await ctx.tx.query(
    `UPDATE cart c SET codes = $2, updated_at = now() WHERE c.id = $1 RETURNING ${CART_COLUMNS}`,
    [cart.uuid, codes],
  );
  await emit(ctx, 'cart.updated', { cartId: cart.uuid, customerId: cart.customerUuid });
  forgetCart(ctx.loaders, cart);
  return toCart(row!);
}
