import { addToList } from '../../core/batch';
import { admin } from '../../auth/viewer';
import { createContext, type AppServices } from '../../core/context';
import { HOOK_TRANSACTION } from '../../db/transaction';
import type { ModuleBatchHook, ModuleHook } from '../../core/module';
import type { DomainEvent, EventPayloads } from '../../events/event-types';
import { ingestTouchpoints, type NewTouchpoint } from './touchpoint-ingest';

/**
 * The server's own touchpoints, from its domain events after commit (at least once): each carries a
 * client id derived from the order or the outbox row, so a redelivery is a duplicate, never a recount.
 */
async function record(app: AppServices, event: DomainEvent, customerId: string, touchpoints: NewTouchpoint[]): Promise<void> {
  const ctx = createContext(app, admin, `outbox-${event.id}`);
  await ingestTouchpoints(ctx, { customerId }, touchpoints, HOOK_TRANSACTION);
}

const server = { channel: 'SERVER', source: 'server', searchText: null } as const;

interface OrderLineFacts {
  productId: string;
  listingId: string;
  categoryId: string | null;
  total: number;
  position: number;
  paidAt: Date | null;
  cancelledAt: Date | null;
}

interface PaidOrderLineFacts extends OrderLineFacts {
  orderId: string;
}

const orderLines = (app: AppServices, orderIds: readonly string[]): Promise<PaidOrderLineFacts[]> =>
  app.db.query(
    `SELECT ol.order_id AS "orderId", ol.product_id AS "productId", ol.listing_id AS "listingId", p.category_id AS "categoryId",
            ol.total::float8 AS total, ol.position, o.paid_at AS "paidAt", o.cancelled_at AS "cancelledAt"
       FROM order_line ol JOIN orders o ON o.id = ol.order_id JOIN product p ON p.id = ol.product_id
      WHERE ol.order_id = ANY($1::uuid[]) ORDER BY ol.order_id, ol.position`,
    [orderIds],
  );

/** Touchpoints of one event, by its customer (an event without one: none). */
type TouchpointsOf = (event: DomainEvent) => { customerId: string; touchpoints: NewTouchpoint[] } | null;

/** One ORDER_PAID touchpoint per line (its category and product count), the order's discount on the first; one read for all orders. */
async function paidTouchpoints(app: AppServices, events: readonly DomainEvent[]): Promise<TouchpointsOf> {
  const lines = await orderLines(app, [...new Set(events.map((e) => (e.payload as EventPayloads['order.paid']).orderId))]);
  const byOrder = new Map<string, PaidOrderLineFacts[]>();
  for (const line of lines) addToList(byOrder, line.orderId, line);
  return (event) => {
    const p = event.payload as EventPayloads['order.paid'];
    return {
      customerId: p.customerId,
      touchpoints: (byOrder.get(p.orderId) ?? []).map((l, i) => ({
        ...server,
        clientEventId: `order.paid:${p.orderId}:${l.position}`,
        type: 'ORDER_PAID' as const,
        occurredAt: l.paidAt ?? event.createdAt,
        productId: l.productId,
        listingId: l.listingId,
        sellerId: p.sellerId,
        categoryId: l.categoryId,
        orderId: p.orderId,
        amount: l.total,
        discount: i === 0 ? (p.discountTotal ?? 0) : 0,
      })),
    };
  };
}

const orderCancelled: ModuleHook = async (event, app) => {
  const p = event.payload as EventPayloads['order.cancelled'];
  const [first] = await orderLines(app, [p.orderId]);
  await record(app, event, p.customerId, [
    {
      ...server,
      clientEventId: `order.cancelled:${p.orderId}`,
      type: 'ORDER_CANCELLED',
      occurredAt: first?.cancelledAt ?? event.createdAt,
      productId: null,
      listingId: null,
      sellerId: p.sellerId,
      categoryId: null,
      orderId: p.orderId,
    },
  ]);
};

/** A customer's cart lines (a guest cart has no one to attribute them to: the guest's client tracks those); one read for all listings. */
async function cartTouchpoints(app: AppServices, events: readonly DomainEvent[]): Promise<TouchpointsOf> {
  const ids = [...new Set(events.flatMap((e) => (e.payload as EventPayloads['cart.lines_added']).listingIds))];
  const listings: { id: string; productId: string; sellerId: string; categoryId: string | null }[] = ids.length
    ? await app.db.query(
        `SELECT l.id, l.product_id AS "productId", l.seller_id AS "sellerId", p.category_id AS "categoryId"
           FROM listing l JOIN product p ON p.id = l.product_id WHERE l.id = ANY($1::uuid[]) ORDER BY l.id`,
        [ids],
      )
    : [];
  return (event) => {
    const p = event.payload as EventPayloads['cart.lines_added'];
    if (!p.customerId) return null;
    const added = new Set(p.listingIds);
    return {
      customerId: p.customerId,
      touchpoints: listings
        .filter((l) => added.has(l.id))
        .map((l) => ({
          ...server,
          clientEventId: `cart.lines_added:${event.id}:${l.id}`,
          type: 'CART_LINE_ADDED' as const,
          occurredAt: event.createdAt,
          productId: l.productId,
          listingId: l.id,
          sellerId: l.sellerId,
          categoryId: l.categoryId,
        })),
    };
  };
}

/**
 * `order.paid` and `cart.lines_added` as one batch hook: a dispatch round's events of both types, one read per
 * type, then one ingest per customer with all of the customer's touchpoints in event order (a checkout's orders
 * with several sellers and the cart before them: one transaction and one `touchpoint.recorded`, not one per event).
 */
const purchaseTouchpoints: ModuleBatchHook = {
  async batch(events, app) {
    const ofType = (type: string) => events.filter((e) => e.type === type);
    const paid = ofType('order.paid');
    const carts = ofType('cart.lines_added');
    const of: Record<string, TouchpointsOf> = {
      'order.paid': paid.length ? await paidTouchpoints(app, paid) : () => null,
      'cart.lines_added': carts.length ? await cartTouchpoints(app, carts) : () => null,
    };
    const byCustomer = new Map<string, { first: DomainEvent; touchpoints: NewTouchpoint[] }>();
    for (const event of events) {
      const found = of[event.type]?.(event);
      if (!found) continue;
      const customer = byCustomer.get(found.customerId) ?? { first: event, touchpoints: [] };
      byCustomer.set(found.customerId, customer);
      customer.touchpoints.push(...found.touchpoints);
    }
    for (const [customerId, { first, touchpoints }] of byCustomer) await record(app, first, customerId, touchpoints);
  },
};

export const serverTouchpoints = {
  'order.paid': purchaseTouchpoints,
  'order.cancelled': orderCancelled,
  'cart.lines_added': purchaseTouchpoints,
};
