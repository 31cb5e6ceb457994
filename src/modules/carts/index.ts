import { defineModule } from '../../core/module';
import { cartLoaders } from './cart.loaders';
import { cartPrivacy } from './cart.privacy';
import { CartLineResolver, CartPayloadResolver, CartResolver } from './cart.resolver';
import { CustomerCartResolver } from './customer-cart.resolver';
import { findCart, findCartLine } from './cart.service';

export { Cart, CartLine } from './cart.type';
export { mergeGuestCart } from './cart-merge';
export {
  cartCompleted,
  checkoutCartOf,
  completeCartSql,
  lockedCartSql,
  type CheckoutCart,
  type CompletedCart,
  type LockedCart,
} from './cart-checkout';
export { CartPayload } from './cart.payloads';
export { cartUuid, lockCart, requireShopper } from './cart-access';
export { MAX_CART_CODES, saveCartCodes } from './cart-codes';
export { cartAdjustableGroups } from './cart-totals';

export default defineModule({
  name: 'carts',
  entities: [],
  resolvers: [CartResolver, CartLineResolver, CartPayloadResolver, CustomerCartResolver],
  loaders: cartLoaders,
  nodes: { Cart: findCart, CartLine: findCartLine },
  privacy: cartPrivacy,
});
