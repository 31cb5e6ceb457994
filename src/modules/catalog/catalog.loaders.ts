import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { opaqueParam, preparedQuery, preparedValues } from '../../db/prepared-query';
import { rowValues } from '../../db/row-values';
import { byKey, groupByKey, settleByKey } from '../../core/batch';
import { fromNarrowSellerJson, fromSellerJson, narrowSellerJson, sellerJson, toSeller, type Seller } from '../sellers';
import { CATEGORY_COLUMNS, pickCategoryRow, toCategory, type CategoryRow } from './category.rows';
import type { Category } from './category.type';
import { buyBoxOrderSql, sortForBuyBox } from './buy-box';
import { listingOfferedSql } from './listing-visibility';
import type { NarrowRead } from './catalog-narrow-reads';
import { LISTING_COLUMNS, LISTING_FIELDS, listingColumnsOf, toListing, toListingWithoutId, type ListingRow } from './listing.rows';
import type { Listing } from './listing.type';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product.rows';
import type { Product } from './product.type';
import { VARIANT_COLUMNS, VARIANT_FIELDS, VARIANT_NARROW_COLUMNS, toVariant, toVariantWithoutId, type VariantRow } from './variant.rows';
import type { ProductVariant } from './variant.type';

/**
 * The most listings a product shows (its variants' listings included): the best by the buy-box order
 * (buy-box.ts), so the buy box is among them. A bound the cost estimate relies on
 * (server/cost.ts): without it one request could read every offer of a product that many sellers list.
 */
export const MAX_LISTINGS_PER_PRODUCT = 100;

export function primeCategories({ primeCategory }: { primeCategory: (category: Category) => void }, rows: readonly { categoryId: string | null }[]): void {
  const primed = new Set<string>();
  for (const row of rows) {
    const category = row.categoryId === null || primed.has(row.categoryId) ? null : pickCategoryRow(row as Record<string, unknown>, 'category.');
    if (!category) continue;
    primed.add(category.id);
    primeCategory(toCategory(category));
  }
}

const variantsOfProducts = (columns: string) => `SELECT ${columns} FROM product_variant v WHERE v.product_id = ANY($1) ORDER BY v.position, v.id`;
const VARIANTS_OF_PRODUCTS = variantsOfProducts(VARIANT_COLUMNS);
/** For a narrow read (catalog-narrow-reads.ts) that selects no variant options. */
const VARIANTS_OF_PRODUCTS_NO_OPTIONS = variantsOfProducts(VARIANT_NARROW_COLUMNS);

// The listing columns only: the two window columns would be parsed on every row and dropped. `narrow`: a narrow
// read's (catalog-narrow-reads.ts), the columns and seller fields no field it allows reads left out.
const visibleListingsOfProducts = (narrow: boolean) => `SELECT ${listingColumnsOf('kept', narrow)}, ${narrow ? narrowSellerJson('s') : sellerJson('s')} AS seller
  FROM (SELECT ranked.*, row_number() OVER (PARTITION BY ranked."sellerId") AS "sellerRow"
          FROM (SELECT ${LISTING_COLUMNS},
                  row_number() OVER (PARTITION BY l.product_id ORDER BY ${buyBoxOrderSql('l', 's')}) AS "buyBoxRank"
                  FROM listing l JOIN seller s ON s.id = l.seller_id
                 WHERE l.product_id = ANY($1) AND ${listingOfferedSql({ listing: 'l', seller: 's' })}) ranked
         WHERE ranked."buyBoxRank" <= $2) kept
  LEFT JOIN seller s ON kept."sellerRow" = 1 AND s.id = kept."sellerId"`;
const VISIBLE_LISTINGS_OF_PRODUCTS = visibleListingsOfProducts(false);
const NARROW_VISIBLE_LISTINGS_OF_PRODUCTS = visibleListingsOfProducts(true);

const variantRow = rowValues<VariantRow>(VARIANT_FIELDS);
const listingRow = rowValues<ListingRow & { seller: Parameters<typeof fromSellerJson>[0] | null }>([...LISTING_FIELDS, 'seller']);

/** Per-request batch loaders of the catalog; each runs one SQL statement per batch. Visibility is the caller's rule. */
export function catalogLoaders(db: DataSource, { sellerById }: { sellerById: DataLoader<string, Seller | null> }) {
  const sellersOfListings = new Map<string, Seller>();
  // What the two per-product batches read, for the fields to answer as values (product-reads.ts). Never stale:
  // nothing clears or primes these two loaders, and a key's value is set once, by the first batch that read it
  // (settleByKey: readAhead's reads and the loaders' batches may overlap).
  const variantsOfProduct = new Map<string, ProductVariant[]>();
  const listingsOfProducts = new Map<string, Listing[]>();
  const listingsOfVariants = new Map<string, Listing[]>();
  // Set by readAhead for an operation that reads narrowly (catalog-narrow-reads.ts), before its first batches. Loaders
  // are per request, and a request is one operation (Apollo's batched HTTP requests are off): no other operation's
  // fields read what these batches read.
  let narrow: NarrowRead | null = null;
  const readVariants = async (ids: readonly string[]): Promise<ProductVariant[][]> => {
    const sql = narrow && !narrow.selects('ProductVariant', 'options') ? VARIANTS_OF_PRODUCTS_NO_OPTIONS : VARIANTS_OF_PRODUCTS;
    const toNode = narrow && !narrow.selects('ProductVariant', 'id') ? toVariantWithoutId : toVariant;
    const rows = (await preparedValues(db, sql, [ids])).map(variantRow);
    return settleByKey(ids, rows.map(toNode), (v) => v.productUuid, variantsOfProduct).lists;
  };
  const variantsByProductId = new DataLoader(readVariants);
  /**
   * Offered listings only (active listings of active sellers; the product's own visibility is the caller's), the
   * best MAX_LISTINGS_PER_PRODUCT by buyBoxOrderSql, each product's sorted once here by compareForBuyBox (buy-box.ts):
   * the resolvers take the first or filter, without copying and sorting per field. Each seller comes once, as one
   * json column on one of its rows (NULL on the rest), and primes sellerById: `listing { seller }` costs no further
   * round trip, and a page parses a seller once rather than thirteen columns per listing.
   */
  const readListings = async (ids: readonly string[]): Promise<Listing[][]> => {
    const read = narrow;
    const sql = read ? NARROW_VISIBLE_LISTINGS_OF_PRODUCTS : VISIBLE_LISTINGS_OF_PRODUCTS;
    const rows = (await preparedValues(db, sql, [ids, MAX_LISTINGS_PER_PRODUCT])).map(listingRow);
    const sellerIds = !read || read.selects('Seller', 'id');
    for (const row of rows) {
      if (!row.seller) continue;
      // A narrow seller answers its listings' `seller` only: sellerById, which other fields read, gets whole ones.
      const seller = read ? fromNarrowSellerJson(row.seller, sellerIds) : toSeller(fromSellerJson(row.seller));
      if (!read) sellerById.prime(row.sellerId, seller);
      sellersOfListings.set(row.sellerId, seller);
    }
    const toNode = read && !read.selects('Listing', 'id') ? toListingWithoutId : toListing;
    const { lists, fresh } = settleByKey(ids, rows.map(toNode), (l) => l.productUuid, listingsOfProducts);
    for (const list of fresh) {
      sortForBuyBox(list);
      for (const listing of list) {
        const ofVariant = listingsOfVariants.get(listing.variantUuid);
        if (ofVariant) ofVariant.push(listing);
        else listingsOfVariants.set(listing.variantUuid, [listing]);
      }
    }
    return lists;
  };
  const visibleListingsByProductId = new DataLoader(readListings);
  const ofVariant = (variant: Pick<ProductVariant, 'uuid'>): Listing[] => listingsOfVariants.get(variant.uuid) ?? [];
  // The categories a product read joined (primeCategories), likewise answered as values.
  const primedCategories = new Map<string, Category>();
  const categoryById = new DataLoader<string, Category | null>(async (ids) => {
    const rows: CategoryRow[] = await db.query(`SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.id = ANY($1)`, [ids]);
    return byKey(ids, rows.map(toCategory), (c) => c.uuid);
  });
  return {
    /**
     * A listing's seller: the one its listings batch read, as a value (graphql-jit then skips its promise handling,
     * once per listing of a page: ~4% of a catalog page's allocation), else through sellerById.
     */
    listingSeller: (listing: Pick<Listing, 'sellerUuid'>): Seller | Promise<Seller | null> =>
      sellersOfListings.get(listing.sellerUuid) ?? sellerById.load(listing.sellerUuid),
    // productById, listingById (and sellerById): named statements with generic plans (opaqueParam), read by every cart
    // change and product page; as unnamed statements each read was parsed and planned again (the three: 0.36 ms of planning per purchase, bench).
    productById: new DataLoader<string, Product | null>(async (ids) => {
      const rows: ProductRow[] = await preparedQuery(db, `SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = ANY(${opaqueParam('$1', 'uuid[]')})`, [ids]);
      return byKey(ids, rows.map(toProduct), (p) => p.uuid);
    }),
    variantById: new DataLoader<string, ProductVariant | null>(async (ids) => {
      const rows: VariantRow[] = await db.query(`SELECT ${VARIANT_COLUMNS} FROM product_variant v WHERE v.id = ANY($1)`, [ids]);
      return byKey(ids, rows.map(toVariant), (v) => v.uuid);
    }),
    variantsByProductId,
    /** A product's variants: a value once their batch is read (graphql-jit then skips its promise handling), else the load. */
    productVariants: (productUuid: string): ProductVariant[] | Promise<ProductVariant[]> =>
      variantsOfProduct.get(productUuid) ?? variantsByProductId.load(productUuid),
    listingById: new DataLoader<string, Listing | null>(async (ids) => {
      const rows: ListingRow[] = await preparedQuery(
        db,
        `SELECT ${LISTING_COLUMNS} FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.id = ANY(${opaqueParam('$1', 'uuid[]')})`,
        [ids],
      );
      return byKey(ids, rows.map(toListing), (l) => l.uuid);
    }),
    visibleListingsByProductId,
    /**
     * Reads the variants and/or listings of the `productUuids` not read yet, each one statement (side by side), straight
     * into the maps the fields answer from (product-reads.ts); `narrow`: from now on this request's batches read
     * narrowly (catalog-narrow-reads.ts). Without DataLoader: its promise per key cost ~2.5% of a catalog page's
     * allocation, and a failed batch left one rejected promise per key that nothing awaited, which ended the process
     * (Node's unhandled rejections; seen under "too many clients"). Never rejects: a failed read is left to the
     * fields, whose loads read again and answer the error.
     */
    readAhead: async (productUuids: readonly string[], variants: boolean, listings: boolean, read: NarrowRead | null): Promise<void> => {
      if (read) narrow = read;
      const reads: Promise<unknown>[] = [];
      const unread = (done: Map<string, unknown>) => productUuids.filter((uuid) => !done.has(uuid));
      const variantsToRead = variants ? unread(variantsOfProduct) : [];
      const listingsToRead = listings ? unread(listingsOfProducts) : [];
      if (variantsToRead.length) reads.push(readVariants(variantsToRead));
      if (listingsToRead.length) reads.push(readListings(listingsToRead));
      await Promise.allSettled(reads);
    },
    /** A product's visible listings in buy-box order: a value once their batch is read, else the load. */
    productListings: (productUuid: string): Listing[] | Promise<Listing[]> =>
      listingsOfProducts.get(productUuid) ?? visibleListingsByProductId.load(productUuid),
    /** A variant's visible listings in buy-box order (its product's batch, split by variant once): likewise. */
    variantListings: (variant: Pick<ProductVariant, 'uuid' | 'productUuid'>): Listing[] | Promise<Listing[]> =>
      listingsOfProducts.has(variant.productUuid) ? ofVariant(variant) : visibleListingsByProductId.load(variant.productUuid).then(() => ofVariant(variant)),
    categoryById,
    /** Primes categoryById with a category read along with a product; `productCategory` then answers it as a value. */
    primeCategory: (category: Category): void => {
      categoryById.prime(category.uuid, category);
      primedCategories.set(category.uuid, category);
    },
    /** A product's category (its categoryUuid): a value when primed, else the load. */
    productCategory: (categoryUuid: string): Category | null | Promise<Category | null> =>
      primedCategories.get(categoryUuid) ?? categoryById.load(categoryUuid),
    categoryChildren: new DataLoader<string, Category[]>(async (ids) => {
      const rows: CategoryRow[] = await db.query(
        `SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.parent_id = ANY($1) ORDER BY c.position, c.name`,
        [ids],
      );
      return groupByKey(ids, rows.map(toCategory), (c) => c.parentUuid);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof catalogLoaders> {}
}
