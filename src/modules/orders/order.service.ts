import type { Context } from '../../core/context';
import type { SellerScope, Viewer } from '../../auth/viewer';
import type { AddressData } from '../../core/address';
import { mayContactBuyer, requireSeller, sellerMay } from '../../auth/guards';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { badInput } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { ORDER_COLUMNS, toOrder, type OrderRow } from './order.rows';
import type { Order, OrderState } from './order.type';

/** Its buyer, the operator, and its seller with a key that may read orders (or act on them: `scope`). */
export function canSeeOrder(viewer: Viewer, order: Order, scope: SellerScope = 'orders:read'): boolean {
  return (viewer.kind === 'customer' && viewer.customerId === order.customerUuid) || sellerMay(viewer, order.sellerUuid, scope);
}

/** The buyer as the viewer may see them: a seller gets the email only with the share-profile consent and customers:read. */
export async function orderCustomer(ctx: Context, order: Order): Promise<{ name: string; email: string | null }> {
  const contact = (await ctx.loaders.customerContactById.load(order.customerUuid))!;
  return { name: contact.name, email: mayContactBuyer(ctx.viewer, contact.sharesProfile) ? contact.email : null };
}

/** Where the order goes; the phone, like the email, only reaches a seller under mayContactBuyer. */
export async function orderShippingAddress(ctx: Context, order: Order): Promise<AddressData> {
  if (ctx.viewer.kind !== 'seller' || !order.shippingAddress.phone) return order.shippingAddress;
  const contact = await ctx.loaders.customerContactById.load(order.customerUuid);
  return mayContactBuyer(ctx.viewer, contact?.sharesProfile ?? false) ? order.shippingAddress : { ...order.shippingAddress, phone: null };
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
  const sellerId = requireSeller(ctx.viewer, 'orders:read');
  return listOrders(ctx, { column: 'seller_id', id: sellerId }, page);
}
