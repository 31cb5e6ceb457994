import { defineModule } from '../../core/module';
import { SellerEntity } from './seller.entity';
import { SellerApiKeyEntity } from './seller-api-key.entity';
import { SellerResolver } from './seller.resolver';
import { findSeller } from './seller.service';
import { toGlobalId } from '../../core/global-id';

export { Seller, SellerStatus, toSeller, sellerColumns, pickSellerRow } from './seller.type';
export { sellerLoaders } from './seller.loaders';
export { canSeeSeller } from './seller.service';

export default defineModule({
  name: 'sellers',
  entities: [SellerEntity, SellerApiKeyEntity],
  resolvers: [SellerResolver],
  nodes: { Seller: (ctx, id) => findSeller(ctx, { id: toGlobalId('Seller', id) }) },
});
