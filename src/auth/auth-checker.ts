import type { AuthChecker } from 'type-graphql';
import type { Context } from '../core/context';
import { requireRole } from './field-access';
import type { Role } from './viewer';

/** Coarse role gate for `@Authorized`; ownership and tenancy are the services' job. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  requireRole(context.viewer, roles);
  return true;
};
