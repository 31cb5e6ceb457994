import { defineModule } from '../../core/module';
import { orderLoaders } from './order.loaders';
import { orderPrivacy } from './order.privacy';
import { CustomerOrdersResolver, OrderResolver } from './order.resolver';
import { findOrder } from './order.service';

export { Order, OrderLine } from './order.type';
export { placeReplacementOrder, type ReplacementLine } from './order-replacement';
export { EXPECTED_DELIVERY_SQL, TRANSIT_DAYS } from './order-delivery';
export { ORDER_LINE_COLUMNS, toOrderLine, type OrderLineRow } from './order.rows';

export default defineModule({
  name: 'orders',
  entities: [],
  resolvers: [OrderResolver, CustomerOrdersResolver],
  loaders: orderLoaders,
  nodes: { Order: findOrder },
  privacy: orderPrivacy,
});
