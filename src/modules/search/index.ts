import { defineModule } from '../../core/module';
import { refreshSalesOfOrder } from './search-sales';
import { SearchResolver } from './search.resolver';
import { withTransaction } from '../../db/transaction';

const orderIdOf = (payload: unknown) => (payload as { orderId: string }).orderId;

export { indexLoadedProducts, withSearchIndexDeferred } from './search-bulk-load';

/**
 * Full-text search with facets, typo correction and suggestions (issue 12): see README.md. Its tables
 * (search_product, search_vocabulary) are kept by database triggers on product writes; units sold by
 * the order hooks below, after the order's commit: a paying checkout never waits on (or locks) the search
 * rows of what it sold, whose recount grows with the product's sales.
 */
export default defineModule({
  name: 'search',
  entities: [],
  resolvers: [SearchResolver],
  hooks: {
    'order.paid': (event, app) => withTransaction(app, (ctx) => refreshSalesOfOrder(ctx, orderIdOf(event.payload))),
    'order.cancelled': (event, app) => withTransaction(app, (ctx) => refreshSalesOfOrder(ctx, orderIdOf(event.payload))),
  },
});
