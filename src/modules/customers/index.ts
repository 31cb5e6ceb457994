import { defineModule } from '../../core/module';
import { CustomerEntity } from './customer.entity';
import { CustomerAddressEntity, CustomerConsentEntity, PaymentMethodEntity } from './profile.entity';
import { CustomerResolver } from './customer.resolver';
import { ProfileResolver } from './profile.resolver';
import { findCustomer } from './customer.service';

export { Customer } from './customer.type';
export { createCustomer } from './customer.service';
export {
  bumpTokenVersion,
  customerByCredentials,
  customerByEmail,
  customerForSignIn,
  markEmailVerified,
  newPasswordHash,
  passwordMatches,
  setPasswordHash,
} from './customer-credentials';
export { ownAddress } from './address.service';
export { customerLocale } from './customer-profile';
export { ownPaymentMethod } from './payment-method.service';
export { giveSignUpConsents, personalizationConsented, sharesProfileWithSellers } from './consent.service';
export { ConsentKind } from './profile.type';
export { CustomerAddressEntity, PaymentMethodEntity } from './profile.entity';

export default defineModule({
  name: 'customers',
  entities: [CustomerEntity, CustomerAddressEntity, PaymentMethodEntity, CustomerConsentEntity],
  resolvers: [CustomerResolver, ProfileResolver],
  nodes: { Customer: findCustomer },
});
