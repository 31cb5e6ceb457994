import { defineModule } from '../../core/module';
import { orderLoaders } from './order.loaders';
import { orderPrivacy } from './order.privacy';
import { CustomerOrdersResolver, OrderResolver } from './order.resolver';
import { findOrder } from './order.service';

export { Order } from './order.type';

export default defineModule({
  name: 'orders',
  entities: [],
  resolvers: [OrderResolver, CustomerOrdersResolver],
  loaders: orderLoaders,
  nodes: { Order: findOrder },
  privacy: orderPrivacy,
});
