import { Foundation1763900000000 } from './1763900000000-foundation';
import { Buying1763900100000 } from './1763900100000-buying';
import { InvoiceNumbersPerSeller1763910000000 } from './1763910000000-invoice-numbers-per-seller';
import { PluginInstallations1763920000000 } from './1763920000000-plugin-installations';
import { PluginInstallationNotify1763940000000 } from './1763940000000-plugin-installation-notify';
import { ProductCreatedByPlugin1763950000000 } from './1763950000000-product-created-by-plugin';
import { ThrottleBuckets1764000000000 } from './1764000000000-throttle-buckets';
import { CustomerSessions1764010000000 } from './1764010000000-customer-sessions';
import { SellerKeyScopes1764020000000 } from './1764020000000-seller-key-scopes';
import { ProductRevisions1764030000000 } from './1764030000000-product-revisions';
import { InvoicePdf1764030100000 } from './1764030100000-invoice-pdf';
import { PaymentAuthorizations1764040000000 } from './1764040000000-payment-authorizations';
import { CustomerSocketAccess1764060000000 } from './1764060000000-customer-socket-access';
import { Personalization1764100000000 } from './1764100000000-personalization';
import { ProductTouchpointShards1764100100000 } from './1764100100000-product-touchpoint-shards';
import { OrderAdjustments1764110000000 } from './1764110000000-order-adjustments';
import { Promotions1764110100000 } from './1764110100000-promotions';
import { PluginSurface1764120000000 } from './1764120000000-plugin-surface';
import { CoCreatedProductsBackfill1764120100000 } from './1764120100000-co-created-products-backfill';
import { Complaints1764130000000 } from './1764130000000-complaints';
import { Search1764140000000 } from './1764140000000-search';
import { ReviewsLikesRecommendations1764150000000 } from './1764150000000-reviews-likes-recommendations';
import { AlsoViewed1764150100000 } from './1764150100000-also-viewed';
import { VatNumbers1764160000000 } from './1764160000000-vat-numbers';
import { ProductTranslations1764160100000 } from './1764160100000-product-translations';
import { Offers1764170000000 } from './1764170000000-offers';
import { OfferUse1764170000001 } from './1764170000001-offer-use';
import { SearchPopularity1764180000000 } from './1764180000000-search-popularity';
import { OfferPromotionFk1764190000000 } from './1764190000000-offer-promotion-fk';
import { CategoryPageIndexes1764220000000 } from './1764220000000-category-page-indexes';
import { SearchTitleIndex1764230000000 } from './1764230000000-search-title-index';
import { SearchProductSerialScans1764230000001 } from './1764230000001-search-product-serial-scans';
import { TouchpointEventIndexes1764240000000 } from './1764240000000-touchpoint-event-indexes';
import { ViewedCategoryIndex1764240100000 } from './1764240100000-viewed-category-index';
import { ListingPriceDrops1764260000000 } from './1764260000000-listing-price-drops';
import { PromotionStartAnnouncement1764270000000 } from './1764270000000-promotion-start-announcement';
import { OfferFreeShipping1764270000001 } from './1764270000001-offer-free-shipping';
import { SearchStoredColumns1764272000000 } from './1764272000000-search-stored-columns';
import { SalesCountOwner1764275000000 } from './1764275000000-sales-count-owner';
import { OffersCreatedBatches1764276000000 } from './1764276000000-offers-created-batches';
import { ThrottleTakeMany1764284000000 } from './1764284000000-throttle-take-many';
import { ThrottleClockForward1764285000000 } from './1764285000000-throttle-clock-forward';
import { SearchTiers1764286000000 } from './1764286000000-search-tiers';
import { SearchSyncWrites1764287000000 } from './1764287000000-search-sync-writes';
import { SearchGinPending1764288500000 } from './1764288500000-search-gin-pending';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const allMigrations = [
  Foundation1763900000000,
  Buying1763900100000,
  InvoiceNumbersPerSeller1763910000000,
  PluginInstallations1763920000000,
  PluginInstallationNotify1763940000000,
  ProductCreatedByPlugin1763950000000,
  ThrottleBuckets1764000000000,
  CustomerSessions1764010000000,
  SellerKeyScopes1764020000000,
  ProductRevisions1764030000000,
  InvoicePdf1764030100000,
  PaymentAuthorizations1764040000000,
  CustomerSocketAccess1764060000000,
  Personalization1764100000000,
  ProductTouchpointShards1764100100000,
  OrderAdjustments1764110000000,
  Promotions1764110100000,
  PluginSurface1764120000000,
  CoCreatedProductsBackfill1764120100000,
  Complaints1764130000000,
  Search1764140000000,
  ReviewsLikesRecommendations1764150000000,
  AlsoViewed1764150100000,
  VatNumbers1764160000000,
  ProductTranslations1764160100000,
  Offers1764170000000,
  OfferUse1764170000001,
  SearchPopularity1764180000000,
  OfferPromotionFk1764190000000,
  CategoryPageIndexes1764220000000,
  SearchTitleIndex1764230000000,
  SearchProductSerialScans1764230000001,
  TouchpointEventIndexes1764240000000,
  ViewedCategoryIndex1764240100000,
  ListingPriceDrops1764260000000,
  PromotionStartAnnouncement1764270000000,
  OfferFreeShipping1764270000001,
  SearchStoredColumns1764272000000,
  SalesCountOwner1764275000000,
  OffersCreatedBatches1764276000000,
  ThrottleTakeMany1764284000000,
  ThrottleClockForward1764285000000,
  SearchTiers1764286000000,
  SearchSyncWrites1764287000000,
  SearchGinPending1764288500000,
];
