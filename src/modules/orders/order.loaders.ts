import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byKey, groupByKey } from '../../core/batch';
import { opaqueParam, preparedQuery } from '../../db/prepared-query';
import { sharesProfileWithSellers } from '../customers';
import {
  ORDER_ADJUSTMENT_COLUMNS,
  ORDER_COLUMNS,
  ORDER_LINE_COLUMNS,
  toOrder,
  toOrderAdjustment,
  toOrderLine,
  type OrderAdjustmentRow,
  type OrderLineRow,
  type OrderRow,
} from './order.rows';
import type { Order, OrderAdjustment, OrderLine } from './order.type';

export interface CustomerContact {
  id: string;
  name: string;
  email: string;
  sharesProfile: boolean;
}

export function orderLoaders(db: DataSource) {
  return {
    orderById: new DataLoader<string, Order | null>(async (ids) => {
      const rows: OrderRow[] = await db.query(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = ANY($1)`, [ids]);
      return byKey(ids, rows.map(toOrder), (o) => o.uuid);
    }),
    ordersByCheckoutId: new DataLoader<string, Order[]>(async (ids) => {
      // Named, with a generic plan (opaqueParam): every checkout's answer reads its orders.
      const rows: OrderRow[] = await preparedQuery(
        db,
        `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.checkout_id = ANY(${opaqueParam('$1', 'uuid[]')}) ORDER BY o.seller_id`,
        [ids],
      );
      return groupByKey(ids, rows.map(toOrder), (o) => o.checkoutUuid);
    }),
    orderLinesByOrderId: new DataLoader<string, OrderLine[]>(async (ids) => {
      const rows: (OrderLineRow & { orderId: string })[] = await db.query(
        `SELECT ${ORDER_LINE_COLUMNS} FROM order_line ol JOIN orders o ON o.id = ol.order_id
          WHERE ol.order_id = ANY($1) ORDER BY ol.position`,
        [ids],
      );
      const grouped = groupByKey(ids, rows, (r) => r.orderId);
      return grouped.map((lines) => lines.map(toOrderLine));
    }),
    orderAdjustmentsByOrderId: new DataLoader<string, OrderAdjustment[]>(async (ids) => {
      const rows: OrderAdjustmentRow[] = await db.query(
        `SELECT ${ORDER_ADJUSTMENT_COLUMNS} FROM order_adjustment oa JOIN orders o ON o.id = oa.order_id
          WHERE oa.order_id = ANY($1) ORDER BY oa.position`,
        [ids],
      );
      return groupByKey(ids, rows, (r) => r.orderId).map((list) => list.map(toOrderAdjustment));
    }),
    /** Name, email and the share-profile consent of buyers, for what sellers may see of them. */
    customerContactById: new DataLoader<string, CustomerContact | null>(async (ids) => {
      const rows: CustomerContact[] = await db.query(
        `SELECT c.id, c.name, c.email, ${sharesProfileWithSellers('c.id')} AS "sharesProfile"
           FROM customer c WHERE c.id = ANY($1)`,
        [ids],
      );
      return byKey(ids, rows, (r) => r.id);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof orderLoaders> {}
}
