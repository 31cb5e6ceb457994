import type { GraphQLField } from 'graphql';
import { Extensions } from 'type-graphql';
import { forbidden, unauthenticated } from '../core/errors';
import { requireSeller, requireSellerOrAdmin } from './guards';
import { roleOf, type Role, type SellerScope, type Viewer } from './viewer';

/**
 * Who may use a root field, decided from the viewer alone: it throws the refusal the field's own check
 * would (guards.ts), or returns. The operation gate (server/operation-access.ts) runs it for every root field
 * an operation selects before anything reads the operation's arguments; the field's service keeps its check.
 */
export type FieldAccess = (viewer: Viewer) => void;

/** The role gate of `@Authorized(...roles)` (the authChecker's rule): no roles means any signed-in viewer. */
export function requireRole(viewer: Viewer, roles: readonly Role[]): void {
  const role = roleOf(viewer);
  if (!role) throw unauthenticated();
  if (roles.length && !roles.includes(role)) throw forbidden();
}

/** A seller key with `scope`, or the operator: requireSellerOrAdmin, for `@Access`. */
export const sellerOrAdmin =
  (scope: SellerScope): FieldAccess =>
  (viewer) =>
    requireSellerOrAdmin(viewer, scope);

/** A seller key with `scope` (the operator is refused): requireSeller, for `@Access`. */
export const sellerKey =
  (scope: SellerScope): FieldAccess =>
  (viewer) =>
    void requireSeller(viewer, scope);

/**
 * Declares a root field's viewer rule beyond its `@Authorized` roles (a seller key's scope), so that an
 * unauthorised caller is refused before its arguments are coerced, checked or costed.
 */
export const Access = (access: FieldAccess) => Extensions({ access });

/** The rule the schema holds for a root field (declared by `@Access` and `@Authorized`), if any. */
export const accessOf = (field: GraphQLField<unknown, unknown>): FieldAccess | undefined =>
  field.extensions['access'] as FieldAccess | undefined;
