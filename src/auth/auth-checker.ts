import type { AuthChecker } from 'type-graphql';
import type { Context } from '../core/context';
import { forbidden, unauthenticated } from '../core/errors';
import { roleOf, type Role } from './viewer';

/** Coarse role gate for `@Authorized`; ownership and tenancy are the services' job. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const role = roleOf(context.viewer);
  if (!role) throw unauthenticated();
  if (roles.length && !roles.includes(role)) throw forbidden();
  return true;
};
