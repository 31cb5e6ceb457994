import { defineModule } from '../../core/module';
import { catalogLoaders } from './catalog.loaders';
import { productTranslationLoaders } from './product-translation.loaders';
import { ProductTranslationResolver } from './product-translation.resolver';
import { CategoryEntity, ListingEntity, ProductEntity, ProductVariantEntity } from './catalog.entity';
import { CategoryResolver } from './category.resolver';
import { ListingResolver } from './listing.resolver';
import { ProductResolver } from './product.resolver';
import { ProductRevisionResolver, ProductRevisionsResolver } from './product-revision.resolver';
import { findRevision } from './product-revisions';
import { SellerListingsResolver } from './seller-listings.resolver';
import { VariantResolver } from './variant.resolver';
import { findProduct } from './product.service';
import { findListing } from './listing.service';
import { findCategory } from './category.service';
import { canSeeProduct } from './catalog.visibility';
import { refreshPricesOfSeller } from './pricing';
import { toGlobalId } from '../../core/global-id';

export { MAX_STOCK, StockBelowZero, adjustStock, insertListing, putBackStock, setStock, takeStock, takeStockAsRead, type StockLine } from './stock';
export { insertProduct, type NewProduct } from './product-insert';
export { Product, ProductLanguage, ProductStatus } from './product.type';
export { ProductConnection } from './catalog.payloads';
export { PRODUCT_COLUMNS, PRODUCT_NARROW_COLUMNS, toProduct, type ProductRow } from './product.rows';
export { selectsNarrowly } from './catalog-narrow-reads';
export { canSeeProduct } from './catalog.visibility';
export { priceDroppedBeforeSql } from './price-drops';
export { Category } from './category.type';
export { categoriesUnderSql, categoryJson, toCategory, type CategoryRow } from './category.rows';
export { ListingCondition } from './listing.type';
export { shippingShare } from './buy-box';
export {
  isListingBuyable,
  isListingOffered,
  isListingVisible,
  listingBuyableSql,
  listingOfferedSql,
  listingVisibleSql,
} from './listing-visibility';

export default defineModule({
  name: 'catalog',
  entities: [CategoryEntity, ProductEntity, ProductVariantEntity, ListingEntity],
  resolvers: [
    ProductResolver,
    ProductRevisionsResolver,
    ProductRevisionResolver,
    VariantResolver,
    ListingResolver,
    CategoryResolver,
    SellerListingsResolver,
    ProductTranslationResolver,
  ],
  loaders: (db, loaders) => ({ ...catalogLoaders(db, loaders), ...productTranslationLoaders(db) }),
  // Prices and stock flags count only active sellers' listings: kept right in the same transaction.
  listeners: {
    'seller.suspended': (ctx, { sellerId }) => refreshPricesOfSeller(ctx, sellerId),
    'seller.reactivated': (ctx, { sellerId }) => refreshPricesOfSeller(ctx, sellerId),
  },
  nodes: {
    Product: (ctx, id) => findProduct(ctx, { id: toGlobalId('Product', id) }),
    ProductVariant: async (ctx, id) => {
      const variant = await ctx.loaders.variantById.load(id);
      const product = variant && (await ctx.loaders.productById.load(variant.productUuid));
      return product && canSeeProduct(ctx.viewer, product) ? variant : null;
    },
    Listing: findListing,
    Category: (ctx, id) => findCategory(ctx, { id: toGlobalId('Category', id) }),
    ProductRevision: findRevision,
  },
});
