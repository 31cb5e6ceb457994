import { defineModule } from '../../core/module';
import { refreshSalesOfOrder } from './search-sales';
import { SearchResolver } from './search.resolver';

export { POPULARITY_SQL } from './search.rows';
export { indexLoadedProducts, withSearchIndexDeferred } from './search-bulk-load';

/**
 * Full-text search with facets, typo correction and suggestions (issue 12): see README.md. Its tables
 * (search_product, search_vocabulary) are kept by database triggers on product writes; units sold by
 * the order listeners below.
 */
export default defineModule({
  name: 'search',
  entities: [],
  resolvers: [SearchResolver],
  listeners: {
    'order.paid': (ctx, { orderId }) => refreshSalesOfOrder(ctx, orderId),
    'order.cancelled': (ctx, { orderId }) => refreshSalesOfOrder(ctx, orderId),
  },
});
