import type { Viewer } from '../../auth/viewer';
import type { Listing } from './listing.type';
import { ProductStatus, type Product } from './product.type';

/** Storefront sees active products; a seller also its own drafts and archived ones; the operator everything. */
export function canSeeProduct(viewer: Viewer, product: Product): boolean {
  return product.status === ProductStatus.ACTIVE || canEditProduct(viewer, product);
}

/** Product content belongs to the seller that created it (and the operator). */
export function canEditProduct(viewer: Viewer, product: Product): boolean {
  return viewer.kind === 'admin' || (viewer.kind === 'seller' && viewer.sellerId === product.createdBySellerUuid);
}

export function ownsListing(viewer: Viewer, listing: Listing): boolean {
  return viewer.kind === 'admin' || (viewer.kind === 'seller' && viewer.sellerId === listing.sellerUuid);
}
