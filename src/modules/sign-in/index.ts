import { defineModule } from '../../core/module';
import { SignInResolver } from './sign-in.resolver';

/** Sign-up and login: above customers (the account) and carts (the guest cart it brings along). */
export default defineModule({ name: 'sign-in', entities: [], resolvers: [SignInResolver] });
