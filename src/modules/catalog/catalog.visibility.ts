import { sellerMay } from '../../auth/guards';
import type { Viewer } from '../../auth/viewer';
import type { Listing } from './listing.type';
import { ProductStatus, type Product } from './product.type';

/** Storefront sees active products; a seller key with catalog:write also its own drafts and archived ones; the operator everything. */
export function canSeeProduct(viewer: Viewer, product: Product): boolean {
  return product.status === ProductStatus.ACTIVE || canEditProduct(viewer, product);
}

/** Product content belongs to the seller that created it (a key with catalog:write) and the operator. */
export function canEditProduct(viewer: Viewer, product: Product): boolean {
  return sellerMay(viewer, product.createdBySellerUuid, 'catalog:write');
}

/** A listing is its seller's (a key that manages the catalog or the stock) and the operator's, hidden or not. */
export function ownsListing(viewer: Viewer, listing: Pick<Listing, 'sellerUuid'>): boolean {
  return sellerMay(viewer, listing.sellerUuid, 'catalog:write', 'stock:write');
}
