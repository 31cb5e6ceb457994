import { defineModule } from '../../core/module';
import type { EventPayloads } from '../../events/event-types';
import { countPaidOrders } from './co-purchase';
import { countViews } from './co-view';
import { recommendationLoaders } from './recommendation.loaders';
import { ProductRecommendationsResolver } from './recommendation.resolver';

export { MIN_SUPPORT, TOP_N } from './co-occurrence';
export { rebuildCoPurchases } from './co-purchase';

export default defineModule({
  name: 'recommendations',
  entities: [],
  resolvers: [ProductRecommendationsResolver],
  loaders: recommendationLoaders,
  hooks: {
    'order.paid': { batch: (events, app) => countPaidOrders(app, events.map((e) => (e.payload as { orderId: string }).orderId)) },
    'touchpoint.recorded': (event, app) => countViews(app, event.payload as EventPayloads['touchpoint.recorded']),
  },
});
