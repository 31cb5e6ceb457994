import { forbidden, unauthenticated } from '../core/errors';
import type { SellerScope, Viewer } from './viewer';

export function requireAdmin(viewer: Viewer): void {
  if (viewer.kind === 'admin') return;
  throw viewer.kind === 'guest' ? unauthenticated() : forbidden('Only the marketplace operator can do this.');
}

/** The seller a seller key acts as, checking the key's scope. */
export function requireSeller(viewer: Viewer, scope?: SellerScope): string {
  if (viewer.kind === 'seller') {
    if (scope && !viewer.scopes.has(scope)) throw forbidden(`This API key lacks the ${scope} scope.`);
    return viewer.sellerId;
  }
  throw viewer.kind === 'guest' ? unauthenticated('A seller API key is required.') : forbidden('Only sellers can do this.');
}

/**
 * The seller a seller-or-operator mutation acts for: a seller key acts for itself (naming another
 * seller is FORBIDDEN), the operator must name the seller.
 */
export function actingSeller(viewer: Viewer, sellerId: string | null | undefined, scope?: SellerScope): string {
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
