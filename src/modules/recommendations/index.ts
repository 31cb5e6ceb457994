import { defineModule } from '../../core/module';
import { countPaidOrder } from './co-purchase';
import { recommendationLoaders } from './recommendation.loaders';
import { ProductRecommendationsResolver } from './recommendation.resolver';

export { MIN_SUPPORT, TOP_N, rebuildCoPurchases } from './co-purchase';

export default defineModule({
  name: 'recommendations',
  entities: [],
  resolvers: [ProductRecommendationsResolver],
  loaders: recommendationLoaders,
  hooks: {
    'order.paid': (event, app) => countPaidOrder(app, (event.payload as { orderId: string }).orderId),
  },
});
