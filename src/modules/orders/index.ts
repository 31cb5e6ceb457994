import { defineModule } from '../../core/module';
import { orderLoaders } from './order.loaders';
import { orderPrivacy } from './order.privacy';
import { CustomerOrdersResolver, OrderResolver } from './order.resolver';
import { findOrder } from './order.service';
import { OrderUpdatedResolver } from './order-updated.subscription';
import { customerOrdersTopic, sellerOrdersTopic } from '../../pubsub/topic-router';
import type { EventPayloads } from '../../events/event-types';

/** An order's change reaches its customer's and its seller's `orderUpdated` only. */
const toBoth = ({ customerId, sellerId }: { customerId: string; sellerId: string }) => [customerOrdersTopic(customerId), sellerOrdersTopic(sellerId)];
const orderTopics: { [T in 'order.placed' | 'order.paid' | 'order.fulfilled' | 'order.delivered' | 'order.cancelled']: (payload: EventPayloads[T]) => string[] } = {
  'order.placed': toBoth,
  'order.paid': toBoth,
  'order.fulfilled': toBoth,
  'order.delivered': toBoth,
  'order.cancelled': toBoth,
};

export { Order, OrderLine, OrderState } from './order.type';
export { placeReplacementOrder, type ReplacementLine } from './order-replacement';
export { EXPECTED_DELIVERY_SQL, TRANSIT_DAYS } from './order-delivery';
export { ORDER_LINE_COLUMNS, toOrder, toOrderLine, type OrderLineRow, type OrderRow } from './order.rows';

export default defineModule({
  name: 'orders',
  entities: [],
  resolvers: [OrderResolver, CustomerOrdersResolver, OrderUpdatedResolver],
  loaders: orderLoaders,
  nodes: { Order: findOrder },
  privacy: orderPrivacy,
  topics: orderTopics,
});
