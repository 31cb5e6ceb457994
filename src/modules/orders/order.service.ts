import type { Context } from '../../core/context';
import type { Viewer } from '../../auth/viewer';
import { requireSeller } from '../../auth/guards';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { badInput } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { ORDER_COLUMNS, toOrder, type OrderRow } from './order.rows';
import type { Order, OrderState } from './order.type';

export function canSeeOrder(viewer: Viewer, order: Order): boolean {
  return (
    viewer.kind === 'admin' ||
    (viewer.kind === 'customer' && viewer.customerId === order.customerUuid) ||
    (viewer.kind === 'seller' && viewer.sellerId === order.sellerUuid)
  );
}

/** The buyer as the viewer may see them: a seller gets the email only with the share-profile consent. */
export async function orderCustomer(ctx: Context, order: Order): Promise<{ name: string; email: string | null }> {
  const contact = (await ctx.loaders.customerContactById.load(order.customerUuid))!;
  const showEmail = ctx.viewer.kind !== 'seller' || contact.sharesProfile;
  return { name: contact.name, email: showEmail ? contact.email : null };
}

export async function findOrder(ctx: Context, uuid: string): Promise<Order | null> {
  const order = await ctx.loaders.orderById.load(uuid);
  return order && canSeeOrder(ctx.viewer, order) ? order : null;
}

export async function findOrderByGlobalId(ctx: Context, globalId: string): Promise<Order | null> {
  const uuid = idOf(globalId, 'Order');
  if (!uuid) throw badInput('id is not a valid Order ID.', 'id');
  return findOrder(ctx, uuid);
}

interface OrderPage {
  first: number;
  after?: string;
  state?: OrderState;
  placedFrom?: Date;
  placedTo?: Date;
}

/** Newest first, keyset-paginated; `owner` is the SQL condition that scopes the list. */
async function listOrders(ctx: Context, owner: { column: 'customer_id' | 'seller_id'; id: string }, page: OrderPage) {
  checkPageSize(page.first);
  const params: unknown[] = [owner.id];
  const param = (v: unknown) => `$${params.push(v)}`;
  const where = [`o.${owner.column} = $1`];
  if (page.state) where.push(`o.state = ${param(page.state)}`);
  if (page.placedFrom) where.push(`o.placed_at >= ${param(page.placedFrom)}`);
  if (page.placedTo) where.push(`o.placed_at < ${param(page.placedTo)}`);
  if (page.after) {
    const { key, id } = decodeKeyset(page.after);
    where.push(`(o.placed_at, o.id) < (${param(key)}::timestamptz, ${param(id)}::uuid)`);
  }
  const rows: (OrderRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${ORDER_COLUMNS}, o.placed_at::text AS "sortKey" FROM orders o
      WHERE ${where.join(' AND ')} ORDER BY o.placed_at DESC, o.id DESC LIMIT ${param(page.first + 1)}`,
    params,
  );
  return toConnection(rows, page.first, (r) => encodeCursor([r.sortKey, r.id]), toOrder);
}

/** A customer's own orders: only the customer itself (or the operator) gets here. */
export function listCustomerOrders(ctx: Context, customerUuid: string, page: OrderPage) {
  return listOrders(ctx, { column: 'customer_id', id: customerUuid }, page);
}

export function listSellerOrders(ctx: Context, page: OrderPage) {
  const sellerId = requireSeller(ctx.viewer);
  return listOrders(ctx, { column: 'seller_id', id: sellerId }, page);
}
