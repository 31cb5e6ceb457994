import { defineModule } from '../../core/module';
import { CustomerOrdersResolver, OrderResolver } from './order.resolver';
import { findOrder } from './order.service';

export { Order } from './order.type';
export { orderLoaders } from './order.loaders';

export default defineModule({
  name: 'orders',
  entities: [],
  resolvers: [OrderResolver, CustomerOrdersResolver],
  nodes: { Order: findOrder },
});
