import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress, type AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';

export enum OrderState {
  PLACED = 'placed',
  PAID = 'paid',
  FULFILLED = 'fulfilled',
  DELIVERED = 'delivered',
  CANCELLED = 'cancelled',
}
registerEnumType(OrderState, { name: 'OrderState' });

@ObjectType({ simpleResolvers: true })
export class OrderLine {
  @Field(() => ID)
  id!: string;

  listingUuid!: string;
  productUuid!: string;

  @Field()
  title!: string;

  @Field()
  variantTitle!: string;

  @Field()
  sku!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'VAT included.' })
  unitPrice!: Money;

  @Field(() => Money, { description: 'VAT included.' })
  total!: Money;
}

@ObjectType({ simpleResolvers: true, description: 'Who bought, as a seller may see it.' })
export class OrderCustomer {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Only with the customer’s share-profile consent (or for the customer).' })
  email!: string | null;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "One seller's part of a checkout." })
export class Order extends Node implements NodeSource {
  __typename!: 'Order';
  uuid!: string;
  sellerUuid!: string;
  customerUuid!: string;
  checkoutUuid!: string;

  @Field(() => OrderState)
  state!: OrderState;

  @Field(() => Money, { description: 'Goods, VAT included.' })
  subtotal!: Money;

  @Field(() => Money)
  shipping!: Money;

  @Field(() => Money, { description: 'The VAT included in the total.' })
  tax!: Money;

  @Field(() => Money)
  total!: Money;

  @Field(() => MailingAddress)
  shippingAddress!: AddressData;

  @Field(() => String, { nullable: true })
  carrier!: string | null;

  @Field(() => String, { nullable: true })
  trackingNumber!: string | null;

  @Field(() => String, { nullable: true })
  cancelReason!: string | null;

  @Field()
  placedAt!: Date;

  @Field(() => Date, { nullable: true })
  paidAt!: Date | null;

  @Field(() => Date, { nullable: true })
  fulfilledAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date, { nullable: true })
  cancelledAt!: Date | null;
}

export interface OrderRow {
  id: string;
  checkoutId: string;
  sellerId: string;
  customerId: string;
  state: OrderState;
  currency: string;
  subtotal: number;
  shipping: number;
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
  o.state, o.currency, o.subtotal, o.shipping, o.tax, o.total, o.shipping_address AS "shippingAddress", o.carrier,
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
  currency: string;
}

export const ORDER_LINE_COLUMNS = `ol.id, ol.order_id AS "orderId", ol.listing_id AS "listingId", ol.product_id AS "productId",
  ol.title, ol.variant_title AS "variantTitle", ol.sku, ol.quantity, ol.unit_price AS "unitPrice", ol.total, o.currency`;

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
  };
}
