import { defineModule } from '../../core/module';
import { SearchResolver } from './search.resolver';

export { indexLoadedProducts, withSearchIndexDeferred } from './search-bulk-load';
export { holdTierRanking, rankSearchTiers, startSearchTiers, tiersInUse, type TierRanking } from './search-tiers';

/**
 * Full-text search with facets, typo correction and suggestions (issue 12): see README.md. Its tables
 * (search_product, search_vocabulary) are kept by database triggers on product writes, and units sold,
 * likes and ratings by triggers on the reviews module's tables, which own those numbers.
 */
export default defineModule({
  name: 'search',
  entities: [],
  resolvers: [SearchResolver],
});
