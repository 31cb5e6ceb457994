import { defineModule } from '../../core/module';
import { sellerLoaders } from './seller.loaders';
import { SellerEntity } from './seller.entity';
import { SellerApiKeyEntity } from './seller-api-key.entity';
import { SellerResolver } from './seller.resolver';
import { findSeller } from './seller.service';
import { toGlobalId } from '../../core/global-id';

export { Seller, SellerStatus } from './seller.type';
export { toSeller, sellerJson, fromSellerJson, narrowSellerJson, briefSellerJson, fromNarrowSellerJson } from './seller.rows';
export { canSeeSeller } from './seller.service';
export { storeSellerRating } from './seller-rating-column';

export default defineModule({
  name: 'sellers',
  entities: [SellerEntity, SellerApiKeyEntity],
  resolvers: [SellerResolver],
  loaders: sellerLoaders,
  nodes: { Seller: (ctx, id) => findSeller(ctx, { id: toGlobalId('Seller', id) }) },
});
