import { SellerStatus } from '../sellers';
import { ListingStatus } from './listing.type';
import { ProductStatus } from './product.type';

/**
 * The marketplace's one rule of who may see and buy a listing, written twice on purpose: as SQL for
 * queries that filter rows and as TypeScript for objects already loaded. test/modules/catalog/
 * listing-visibility.test.ts runs both over every combination of statuses and stock, so they can't drift.
 *
 * - offered: the listing is active and its seller is active (a suspended seller's listings vanish);
 * - visible: offered, and its product is active (drafts and archived products are off the storefront);
 * - buyable: visible, with stock left.
 */

/** Table aliases of the query the fragment goes into. */
export interface ListingAliases {
  listing: string;
  seller: string;
}

export interface VisibleListingAliases extends ListingAliases {
  product: string;
}

export function listingOfferedSql(a: ListingAliases): string {
  return `(${a.listing}.status = '${ListingStatus.ACTIVE}' AND ${a.seller}.status = '${SellerStatus.ACTIVE}')`;
}

export function listingVisibleSql(a: VisibleListingAliases): string {
  return `(${a.listing}.status = '${ListingStatus.ACTIVE}' AND ${a.seller}.status = '${SellerStatus.ACTIVE}' AND ${a.product}.status = '${ProductStatus.ACTIVE}')`;
}

export function listingBuyableSql(a: VisibleListingAliases): string {
  return `(${listingVisibleSql(a)} AND ${a.listing}.stock > 0)`;
}

/** What the rule reads of each row: any loaded listing, seller and product (or their SQL rows) fit. */
interface HasStatus {
  status: string;
}

export function isListingOffered(listing: HasStatus, seller: HasStatus): boolean {
  return listing.status === ListingStatus.ACTIVE && seller.status === SellerStatus.ACTIVE;
}

export function isListingVisible(listing: HasStatus, seller: HasStatus, product: HasStatus): boolean {
  return isListingOffered(listing, seller) && product.status === ProductStatus.ACTIVE;
}

export function isListingBuyable(listing: HasStatus & { stock: number }, seller: HasStatus, product: HasStatus): boolean {
  return isListingVisible(listing, seller, product) && listing.stock > 0;
}
