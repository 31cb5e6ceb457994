import { defineModule } from '../../core/module';
import { cartLoaders } from './cart.loaders';
import { cartPrivacy } from './cart.privacy';
import { CartLineResolver, CartPayloadResolver, CartResolver } from './cart.resolver';
import { CustomerCartResolver } from './customer-cart.resolver';
import { findCart, findCartLine } from './cart.service';

export { Cart, CartLine } from './cart.type';
export { mergeGuestCart } from './cart-merge';
export { cartForCheckout, completeCart, type CheckoutCart } from './cart-checkout';

export default defineModule({
  name: 'carts',
  entities: [],
  resolvers: [CartResolver, CartLineResolver, CartPayloadResolver, CustomerCartResolver],
  loaders: cartLoaders,
  nodes: { Cart: findCart, CartLine: findCartLine },
  privacy: cartPrivacy,
});
