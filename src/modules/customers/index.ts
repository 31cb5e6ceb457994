import { defineModule } from '../../core/module';
import { CustomerEntity } from './customer.entity';
import { CustomerResolver } from './customer.resolver';
import { findCustomer } from './customer.service';

export default defineModule({
  name: 'customers',
  entities: [CustomerEntity],
  resolvers: [CustomerResolver],
  nodes: { Customer: findCustomer },
});
