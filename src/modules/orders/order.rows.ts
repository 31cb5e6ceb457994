import type { AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import type { Order, OrderAdjustment, OrderLine, OrderState } from './order.type';

export interface OrderRow {
  id: string;
  checkoutId: string;
  sellerId: string;
  customerId: string;
  state: OrderState;
  currency: string;
  subtotal: number;
  shipping: number;
  discount: number;
  tax: number;
  total: number;
  shippingAddress: AddressData;
  carrier: string | null;
  trackingNumber: string | null;
  cancelReason: string | null;
  placedAt: Date;
  paidAt: Date | null;
  fulfilledAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
}

export const ORDER_COLUMNS = `o.id, o.checkout_id AS "checkoutId", o.seller_id AS "sellerId", o.customer_id AS "customerId",
  o.state, o.currency, o.subtotal, o.shipping, o.discount, o.tax, o.total, o.shipping_address AS "shippingAddress", o.carrier,
  o.tracking_number AS "trackingNumber", o.cancel_reason AS "cancelReason", o.placed_at AS "placedAt", o.paid_at AS "paidAt",
  o.fulfilled_at AS "fulfilledAt", o.delivered_at AS "deliveredAt", o.cancelled_at AS "cancelledAt"`;

export function toOrder(r: OrderRow): Order {
  const money = (amount: number) => new Money(amount, r.currency);
  return {
    __typename: 'Order',
    id: toGlobalId('Order', r.id),
    uuid: r.id,
    sellerUuid: r.sellerId,
    customerUuid: r.customerId,
    checkoutUuid: r.checkoutId,
    state: r.state,
    subtotal: money(r.subtotal),
    shipping: money(r.shipping),
    discountTotal: money(r.discount),
    tax: money(r.tax),
    total: money(r.total),
    shippingAddress: r.shippingAddress,
    carrier: r.carrier,
    trackingNumber: r.trackingNumber,
    cancelReason: r.cancelReason,
    placedAt: r.placedAt,
    paidAt: r.paidAt,
    fulfilledAt: r.fulfilledAt,
    deliveredAt: r.deliveredAt,
    cancelledAt: r.cancelledAt,
  };
}

export interface OrderLineRow {
  id: string;
  orderId: string;
  listingId: string;
  productId: string;
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
  discount: number;
  currency: string;
}

export const ORDER_LINE_COLUMNS = `ol.id, ol.order_id AS "orderId", ol.listing_id AS "listingId", ol.product_id AS "productId",
  ol.title, ol.variant_title AS "variantTitle", ol.sku, ol.quantity, ol.unit_price AS "unitPrice", ol.total, ol.discount, o.currency`;

export function toOrderLine(r: OrderLineRow): OrderLine {
  return {
    id: toGlobalId('OrderLine', r.id),
    listingUuid: r.listingId,
    productUuid: r.productId,
    title: r.title,
    variantTitle: r.variantTitle,
    sku: r.sku,
    quantity: r.quantity,
    unitPrice: new Money(r.unitPrice, r.currency),
    total: new Money(r.total, r.currency),
    discount: new Money(r.discount, r.currency),
  };
}

export interface OrderAdjustmentRow {
  orderId: string;
  source: string;
  label: string;
  kind: 'DISCOUNT' | 'SURCHARGE';
  target: 'ITEMS' | 'SHIPPING';
  amount: number;
  linePosition: number | null;
  currency: string;
}

export const ORDER_ADJUSTMENT_COLUMNS = `oa.order_id AS "orderId", oa.source, oa.label, oa.kind, oa.target, oa.amount,
  oa.line_position AS "linePosition", o.currency`;

export function toOrderAdjustment(r: OrderAdjustmentRow): OrderAdjustment {
  return { source: r.source, label: r.label, kind: r.kind, target: r.target, amount: new Money(r.amount, r.currency), linePosition: r.linePosition };
}
