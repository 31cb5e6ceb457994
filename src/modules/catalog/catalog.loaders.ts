import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { opaqueParam, preparedQuery, preparedValues } from '../../db/prepared-query';
import { fillDown, rowValues } from '../../db/row-values';
import { uuidArray } from '../../db/uuid-array';
import { byKey, groupByKey, settleByKey } from '../../core/batch';
import { briefSellerJson, fromNarrowSellerJson, fromSellerJson, narrowSellerJson, sellerJson, toSeller, type Seller } from '../sellers';
import { CATEGORY_COLUMNS, pickCategoryRow, toCategory, type CategoryRow } from './category.rows';
import type { Category } from './category.type';
import { buyBoxOrderSql } from './buy-box';
import { listingOfferedSql, listingVisibleSql } from './listing-visibility';
import type { NarrowRead } from './catalog-narrow-reads';
import { narrowColumns, type NarrowColumns } from './narrow-columns';
import { LISTING_BUY_BOX_COLUMNS, LISTING_COLUMNS, LISTING_FIELDS, LISTING_NARROW_DROPPED, listingColumnsOf, toListing, toListingWithoutId, type ListingRow } from './listing.rows';
import type { Listing } from './listing.type';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product.rows';
import type { Product } from './product.type';
import { VARIANT_COLUMNS, toVariant, toVariantWithoutId, variantColumnsOf, variantFieldsOf, type VariantRow } from './variant.rows';
import type { ProductVariant } from './variant.type';

/**
 * The most listings a product shows (its variants' listings included): the best by the buy-box order
 * (buy-box.ts), so the buy box is among them. A bound the cost estimate relies on
 * (server/cost.ts): without it one request could read every offer of a product that many sellers list.
 */
export const MAX_LISTINGS_PER_PRODUCT = 100;

/**
 * Primes the categories `rows` joined (product.rows.ts); `whole` false: a narrow read's brief categories
 * (narrow-columns.ts), which only its products' `category` answers from, not categoryById.
 */
export function primeCategories(
  loaders: { primeCategory: (category: Category, whole?: boolean) => void },
  rows: readonly { categoryId: string | null }[],
  whole = true,
): void {
  const primed = new Set<string>();
  for (const row of rows) {
    const category = row.categoryId === null || primed.has(row.categoryId) ? null : pickCategoryRow(row as Record<string, unknown>, 'category.');
    if (!category) continue;
    primed.add(category.id);
    loaders.primeCategory(toCategory(category), whole);
  }
}

/** A statement whose rows are read as arrays (preparedValues), its row view, and where in a row the product id is. */
interface Statement<R> {
  text: string;
  row: (values: unknown[]) => R;
  productId: number;
}

type ListingRowWithSeller = ListingRow & { seller: Parameters<typeof fromSellerJson>[0] | null };

/**
 * A page's variants, by product: the product id on each product's first row only (NULL on the rest, filled in by
 * fillDown): ~40 uuids fewer for pg to parse on a catalog page. `kept`: a narrow read's columns (narrow-columns.ts),
 * the rest left out of the select list (undefined in the rows).
 */
const variantsOfProducts = (kept: { options: boolean; details: boolean } | null): Statement<VariantRow> => {
  const fields = variantFieldsOf(kept);
  const columns = variantColumnsOf(fields, { productId: 'CASE WHEN row_number() OVER (PARTITION BY v.product_id ORDER BY v.position, v.id) = 1 THEN v.product_id END' });
  return {
    text: `SELECT ${columns} FROM product_variant v WHERE v.product_id = ANY($1) ORDER BY v.product_id, v.position, v.id`,
    row: rowValues<VariantRow>(fields),
    productId: fields.indexOf('productId'),
  };
};
const VARIANTS_OF_PRODUCTS = variantsOfProducts(null);

/** What the listings statement keeps (narrow-columns.ts); null: a whole read. */
interface ListingKept {
  ids: boolean;
  buyBox: boolean;
  variants: boolean;
  sellers: 'brief' | 'narrow';
}

/**
 * Each product's visible listings, the best MAX_LISTINGS_PER_PRODUCT by buyBoxOrderSql, in that order, products one
 * after the other: the product id on each product's first row only (fillDown). The listing columns only: the two
 * window columns would be parsed on every row and dropped. Each seller's json on one of its rows (NULL on the
 * rest). `kept`: a narrow read's (narrow-columns.ts), the columns and seller fields no field it selects reads left
 * out of the select list (undefined in the rows): pg parses no field description, no value, for them.
 */
const visibleListingsOfProducts = (kept: ListingKept | null): Statement<ListingRowWithSeller> => {
  const left = new Set<keyof ListingRow>();
  if (kept) {
    for (const field of LISTING_NARROW_DROPPED) left.add(field);
    // Rows come in the buy-box order already: the columns only its rules read are needed for `offers`,
    // `condition` and `handlingDays` alone.
    if (!kept.buyBox) for (const field of LISTING_BUY_BOX_COLUMNS) left.add(field);
    if (!kept.ids) left.add('id');
    if (!kept.variants) left.add('variantId');
  }
  const fields = LISTING_FIELDS.filter((field) => !left.has(field));
  const seller = !kept ? sellerJson('s') : kept.sellers === 'narrow' ? narrowSellerJson('s') : briefSellerJson('s');
  return {
    text: `SELECT ${listingColumnsOf('kept', fields, { productId: 'CASE WHEN kept."buyBoxRank" = 1 THEN kept."productId" END' })}, ${seller} AS seller
  FROM (SELECT ranked.*, row_number() OVER (PARTITION BY ranked."sellerId") AS "sellerRow"
          FROM (SELECT ${LISTING_COLUMNS},
                  row_number() OVER (PARTITION BY l.product_id ORDER BY ${buyBoxOrderSql('l', 's')}) AS "buyBoxRank"
                  FROM listing l JOIN seller s ON s.id = l.seller_id
                 WHERE l.product_id = ANY($1) AND ${listingOfferedSql({ listing: 'l', seller: 's' })}) ranked
         WHERE ranked."buyBoxRank" <= $2) kept
  LEFT JOIN seller s ON kept."sellerRow" = 1 AND s.id = kept."sellerId"
  ORDER BY kept."productId", kept."buyBoxRank"`,
    row: rowValues<ListingRowWithSeller>([...fields, 'seller']),
    productId: fields.indexOf('productId'),
  };
};
const VISIBLE_LISTINGS_OF_PRODUCTS = visibleListingsOfProducts(null);

/** The narrow statements by what they keep: at most 4 of variants and 16 of listings, each prepared once per connection. */
const narrowStatements = new Map<string, Statement<any>>();
function narrowStatement<R>(key: string, build: () => Statement<R>): Statement<R> {
  let statement = narrowStatements.get(key);
  if (!statement) {
    statement = build();
    narrowStatements.set(key, statement);
  }
  return statement;
}

function narrowVariants(kept: NarrowColumns): Statement<VariantRow> {
  const variants = { options: kept.variantOptions, details: kept.variantDetails };
  return narrowStatement(`variants ${variants.options} ${variants.details}`, () => variantsOfProducts(variants));
}

function narrowListings(kept: NarrowColumns): Statement<ListingRowWithSeller> {
  const listings: ListingKept = { ids: kept.listingIds, buyBox: kept.listingBuyBox, variants: kept.listingVariants, sellers: kept.sellers };
  return narrowStatement(`listings ${listings.ids} ${listings.buyBox} ${listings.variants} ${listings.sellers}`, () => visibleListingsOfProducts(listings));
}

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
    const statement = narrow ? narrowVariants(narrowColumns(narrow)) : VARIANTS_OF_PRODUCTS;
    const toNode = narrow && !narrow.selects('ProductVariant', 'id') ? toVariantWithoutId : toVariant;
    const values = await preparedValues(db, statement.text, [uuidArray(ids)]);
    fillDown(values, statement.productId);
    const nodes = values.map((row) => toNode(statement.row(row)));
    return settleByKey(ids, nodes, (v) => v.productUuid, variantsOfProduct).lists;
  };
  const variantsByProductId = new DataLoader(readVariants);
  /**
   * Offered listings only (active listings of active sellers; the product's own visibility is the caller's), the
   * best MAX_LISTINGS_PER_PRODUCT, each product's in buy-box order as SQL sorted them (buyBoxOrderSql; buy-box.ts's
   * compareForBuyBox agrees, test/modules/catalog/buy-box.test.ts): the resolvers take the first or filter, without
   * copying and sorting per field, and a narrow read needs none of the columns only the sort reads. Each seller comes
   * once, as one json column on one of its rows (NULL on the rest), and primes sellerById: `listing { seller }` costs
   * no further round trip, and a page parses a seller once rather than thirteen columns per listing.
   */
  const readListings = async (ids: readonly string[]): Promise<Listing[][]> => {
    const read = narrow;
    const kept = read && narrowColumns(read);
    const statement = kept ? narrowListings(kept) : VISIBLE_LISTINGS_OF_PRODUCTS;
    const values = await preparedValues(db, statement.text, [uuidArray(ids), MAX_LISTINGS_PER_PRODUCT]);
    fillDown(values, statement.productId);
    const rows = values.map(statement.row);
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
    // A read that left the variant ids out selects no variant's `listings`.
    if (!kept || kept.listingVariants) {
      for (const list of fresh) {
        for (const listing of list) {
          const ofVariant = listingsOfVariants.get(listing.variantUuid);
          if (ofVariant) ofVariant.push(listing);
          else listingsOfVariants.set(listing.variantUuid, [listing]);
        }
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
  const listingById = new DataLoader<string, Listing | null>(async (ids) => {
    const rows: ListingRow[] = await preparedQuery(
      db,
      `SELECT ${LISTING_COLUMNS} FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.id = ANY(${opaqueParam('$1', 'uuid[]')})`,
      [ids],
    );
    return byKey(ids, rows.map(toListing), (l) => l.uuid);
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
    listingById,
    /**
     * A listing and whether it is visible (listingVisibleSql: its seller's and product's status read in the same
     * statement), priming listingById. For cart adds, which need no more of the seller and product: through
     * listingById, sellerById and productById they cost three statements per cartCreate, now one (issue 14).
     */
    listingVisibilityById: new DataLoader<string, { listing: Listing; visible: boolean } | null>(async (ids) => {
      const rows: (ListingRow & { visible: boolean })[] = await preparedQuery(
        db,
        // The product in a LATERAL subquery planned apart (OFFSET 0): joined, the generic plan hash-joined a
        // sequential scan of the whole product table (seen in auto_explain of the bench); this way it is one
        // primary-key probe per listing.
        `SELECT ${LISTING_COLUMNS}, ${listingVisibleSql({ listing: 'l', seller: 's', product: 'p' })} AS visible
           FROM listing l JOIN seller s ON s.id = l.seller_id
          CROSS JOIN LATERAL (SELECT p.status FROM product p WHERE p.id = l.product_id OFFSET 0) p
          WHERE l.id = ANY(${opaqueParam('$1', 'uuid[]')})`,
        [ids],
      );
      const read = rows.map((row) => ({ listing: toListing(row), visible: row.visible }));
      for (const { listing } of read) listingById.prime(listing.uuid, listing);
      return byKey(ids, read, (r) => r.listing.uuid);
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
    /**
     * Primes categoryById with a category read along with a product (`whole` false: a narrow read's, for
     * `productCategory` only); `productCategory` then answers it as a value.
     */
    primeCategory: (category: Category, whole = true): void => {
      if (whole) categoryById.prime(category.uuid, category);
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
