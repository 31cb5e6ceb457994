import { defineModule } from '../../core/module';
import { CheckoutResolver } from './checkout.resolver';
import { findCheckout } from './checkout.service';

export default defineModule({
  name: 'checkout',
  entities: [],
  resolvers: [CheckoutResolver],
  nodes: { Checkout: findCheckout },
});
