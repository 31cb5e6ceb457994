import { defineModule } from '../../core/module';
import { CheckoutPayloadResolver, CheckoutResolver } from './checkout.resolver';
import { findCheckout } from './checkout.service';

export default defineModule({
  name: 'checkout',
  entities: [],
  resolvers: [CheckoutResolver, CheckoutPayloadResolver],
  nodes: { Checkout: findCheckout },
});
