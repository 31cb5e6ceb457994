import type { TxContext } from '../../core/context';
import { emit } from '../../events/outbox';
import { MAX_LINES, MAX_QUANTITY } from './cart-limits';
import { forgetCart } from './cart.loaders';
import { CART_COLUMNS, IN_INPUT_ORDER, toCart, type CartRow } from './cart.rows';

interface MovingLine {
  listingId: string;
  quantity: number;
  priceAtAdd: number;
}

/**
 * Brings a guest cart into a customer's account at sign-in: adopted when the customer has no active cart;
 * else its lines move into the customer's cart, quantities summed (capped at the per-line maximum; new
 * listings only while there is room), its email and address fill the customer cart's blanks, and the guest
 * cart is marked merged. Anything but an active guest cart is ignored: a stale cart id must never stop a
 * sign-in.
 */
export async function mergeGuestCart(ctx: TxContext, guestCartUuid: string, customerUuid: string): Promise<void> {
  const { tx } = ctx;
  const guestRows: CartRow[] = await tx.query(`SELECT ${CART_COLUMNS} FROM cart c WHERE c.id = $1 FOR NO KEY UPDATE`, [guestCartUuid]);
  const guest = guestRows[0] && toCart(guestRows[0]);
  if (!guest || guest.customerUuid !== null || guest.status !== 'active') return;
  const ownRows: CartRow[] = await tx.query(
    `SELECT ${CART_COLUMNS} FROM cart c WHERE c.customer_id = $1 AND c.status = 'active' FOR NO KEY UPDATE`,
    [customerUuid],
  );
  const own = ownRows[0] && toCart(ownRows[0]);
  forgetCart(ctx.loaders, guest);
  if (own) forgetCart(ctx.loaders, own);
  else ctx.loaders.activeCartByCustomerId.clear(customerUuid);

  if (!own) {
    await tx.query('UPDATE cart SET customer_id = $2, updated_at = now() WHERE id = $1', [guest.uuid, customerUuid]);
    await emit(ctx, 'cart.updated', { cartId: guest.uuid, customerId: customerUuid });
    return;
  }
  const ownListings: { listingId: string }[] = await tx.query('SELECT listing_id AS "listingId" FROM cart_line WHERE cart_id = $1', [own.uuid]);
  const guestLines: MovingLine[] = await tx.query(
    `SELECT listing_id AS "listingId", quantity, price_at_add AS "priceAtAdd" FROM cart_line WHERE cart_id = $1 ORDER BY created_at, id`,
    [guest.uuid],
  );
  const present = new Set(ownListings.map((l) => l.listingId));
  let room = MAX_LINES - present.size;
  const moving = guestLines.filter((l) => present.has(l.listingId) || room-- > 0);
  if (moving.length) {
    await tx.query(
      `INSERT INTO cart_line (cart_id, listing_id, quantity, price_at_add, created_at)
       SELECT $1, u.listing_id, u.quantity, u.price, ${IN_INPUT_ORDER}
         FROM unnest($2::uuid[], $3::int[], $4::bigint[]) WITH ORDINALITY AS u(listing_id, quantity, price, n)
       ON CONFLICT (cart_id, listing_id) DO UPDATE SET quantity = least(cart_line.quantity + EXCLUDED.quantity, $5), updated_at = now()`,
      [own.uuid, moving.map((l) => l.listingId), moving.map((l) => l.quantity), moving.map((l) => l.priceAtAdd), MAX_QUANTITY],
    );
  }
  await tx.query(
    `UPDATE cart SET email = coalesce(email, $2), shipping_address = coalesce(shipping_address, $3::jsonb), updated_at = now() WHERE id = $1`,
    [own.uuid, guest.email, guest.shippingAddress ? JSON.stringify(guest.shippingAddress) : null],
  );
  await tx.query('DELETE FROM cart_line WHERE cart_id = $1', [guest.uuid]);
  await tx.query(`UPDATE cart SET status = 'merged', updated_at = now() WHERE id = $1`, [guest.uuid]);
  await emit(ctx, 'cart.updated', { cartId: own.uuid, customerId: customerUuid });
  await emit(ctx, 'cart.updated', { cartId: guest.uuid, customerId: null });
}
