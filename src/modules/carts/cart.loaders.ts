import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byKey, groupByKey } from '../../core/batch';
import { CART_COLUMNS, CART_LINE_COLUMNS, toCart, toCartLine, type CartLineRow, type CartRow } from './cart.rows';
import type { Cart, CartLine } from './cart.type';

/** Per-request batch loaders of carts; each runs one SQL statement per batch. Ownership is the caller's rule. */
export function cartLoaders(db: DataSource) {
  return {
    cartById: new DataLoader<string, Cart | null>(async (ids) => {
      const rows: CartRow[] = await db.query(`SELECT ${CART_COLUMNS} FROM cart c WHERE c.id = ANY($1)`, [ids]);
      return byKey(ids, rows.map(toCart), (c) => c.uuid);
    }),
    activeCartByCustomerId: new DataLoader<string, Cart | null>(async (ids) => {
      const rows: CartRow[] = await db.query(
        `SELECT ${CART_COLUMNS} FROM cart c WHERE c.customer_id = ANY($1) AND c.status = 'active'`,
        [ids],
      );
      return byKey(ids, rows.map(toCart), (c) => c.customerUuid);
    }),
    /** Oldest first: a line keeps its place when its quantity changes. */
    cartLinesByCartId: new DataLoader<string, CartLine[]>(async (ids) => {
      const rows: CartLineRow[] = await db.query(
        `SELECT ${CART_LINE_COLUMNS} FROM cart_line cl JOIN cart c ON c.id = cl.cart_id
          WHERE cl.cart_id = ANY($1) ORDER BY cl.created_at, cl.id`,
        [ids],
      );
      return groupByKey(ids, rows.map(toCartLine), (l) => l.cartUuid);
    }),
    cartLineById: new DataLoader<string, CartLine | null>(async (ids) => {
      const rows: CartLineRow[] = await db.query(
        `SELECT ${CART_LINE_COLUMNS} FROM cart_line cl JOIN cart c ON c.id = cl.cart_id WHERE cl.id = ANY($1)`,
        [ids],
      );
      return byKey(ids, rows.map(toCartLine), (l) => l.uuid);
    }),
  };
}

export type CartLoaders = ReturnType<typeof cartLoaders>;

/** Forgets what this request cached about a cart once a mutation changed it. */
export function forgetCart(loaders: CartLoaders, cart: { uuid: string; customerUuid: string | null }): void {
  loaders.cartById.clear(cart.uuid);
  loaders.cartLinesByCartId.clear(cart.uuid);
  loaders.cartLineById.clearAll();
  if (cart.customerUuid) loaders.activeCartByCustomerId.clear(cart.customerUuid);
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof cartLoaders> {}
}
