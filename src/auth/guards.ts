import { forbidden, unauthenticated } from '../core/errors';
import type { SellerScope, Viewer } from './viewer';

export function requireAdmin(viewer: Viewer): void {
  if (viewer.kind === 'admin') return;
  throw viewer.kind === 'guest' ? unauthenticated() : forbidden('Only the marketplace operator can do this.');
}

/**
 * The one rule of seller key scopes (issue 9): whether the viewer acts for `sellerUuid` with one of
 * `scopes`. The operator always does; a seller key only for its own seller and only with the scope.
 * Reads use it to decide what beyond the public view a key sees; mutations go through requireSeller.
 */
export function sellerMay(viewer: Viewer, sellerUuid: string | null, ...scopes: SellerScope[]): boolean {
  if (viewer.kind === 'admin') return true;
  return viewer.kind === 'seller' && viewer.sellerId === sellerUuid && scopes.some((s) => viewer.scopes.has(s));
}

/** The seller a seller key acts as, FORBIDDEN unless the key has `scope`. */
export function requireSeller(viewer: Viewer, scope: SellerScope): string {
  if (viewer.kind === 'seller') {
    if (!sellerMay(viewer, viewer.sellerId, scope)) throw forbidden(`This API key lacks the ${scope} scope.`);
    return viewer.sellerId;
  }
  throw viewer.kind === 'guest' ? unauthenticated('A seller API key is required.') : forbidden('Only sellers can do this.');
}

/** requireSeller for operations the operator may also do: a seller key needs `scope`, the operator passes. */
export function requireSellerOrAdmin(viewer: Viewer, scope: SellerScope): void {
  if (viewer.kind !== 'admin') requireSeller(viewer, scope);
}

/**
 * The seller a seller-or-operator mutation acts for: a seller key acts for itself with `scope` (naming
 * another seller is FORBIDDEN), the operator must name the seller.
 */
export function actingSeller(viewer: Viewer, sellerId: string | null | undefined, scope: SellerScope): string {
  if (viewer.kind === 'admin') {
    if (!sellerId) throw forbidden('The operator must name the seller (sellerId).');
    return sellerId;
  }
  const own = requireSeller(viewer, scope);
  if (sellerId && sellerId !== own) throw forbidden('A seller key acts only for its own seller.');
  return own;
}

export function requireCustomer(viewer: Viewer): string {
  if (viewer.kind === 'customer') return viewer.customerId;
  throw viewer.kind === 'guest' ? unauthenticated() : forbidden('Only customers can do this.');
}

/**
 * Whether a buyer's contact details (email, phone) may reach the viewer: the buyer and the operator
 * always; a seller only with the buyer's consent to share their profile (`sharesProfile`, the rule of
 * customers/consent.service.ts) and a key with customers:read.
 */
export function mayContactBuyer(viewer: Viewer, sharesProfile: boolean): boolean {
  if (viewer.kind !== 'seller') return true;
  return sharesProfile && viewer.scopes.has('customers:read');
}
