import { defineModule } from '../../core/module';
import { SignInResolver } from './sign-in.resolver';
import { eraseSessions } from './session.service';

/**
 * Sign-up, login and sessions (refresh tokens, logout, password change and reset, email verification):
 * above customers (the account) and carts (the guest cart it brings along).
 */
export default defineModule({ name: 'sign-in', entities: [], resolvers: [SignInResolver], privacy: { erase: eraseSessions } });
