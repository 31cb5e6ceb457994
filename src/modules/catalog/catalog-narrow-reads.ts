import { getNamedType, isObjectType, type GraphQLNamedType, type GraphQLResolveInfo, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { narrowReadsAllowed } from '../../core/narrow-reads';
import { forEachSelectedField } from '../../core/selection';

/**
 * Narrow reads: a catalog page's or product page's statements leave out the columns no field of the operation
 * reads (NULL in their place: pg then allocates and parses nothing for them). pg allocates a string per column
 * value of every product, listing and seller row whatever the query selects, and parses the dates and json. On
 * the benchmark's catalog page (20 products, ~80 listings, ~40 sellers) the fixed columns below cut what a request
 * allocated from 728 to 633 KB, and with what depends on the selection 737 -> 562 KB, server CPU about -13%
 * (bench/RESULTS.md, section `catalog-cpu3`).
 *
 * The rows so read are incomplete, so an operation reads narrowly only when every field it selects, anywhere, is
 * in NARROW_FIELDS below: fields answered from the columns a narrow read keeps, on types whose resolvers read
 * nothing else. Any other field (another root field, a plugin's field, `description`, `sku`, a mutation) and the
 * whole operation reads whole rows, as before. Narrow objects stay out of the loaders other fields read
 * (productById, listingById, sellerById); the catalog loaders' per-product maps of this request hold them, and only
 * this operation's fields, all listed here, read those.
 *
 * Dropped when narrow: Product description, images, attributes, createdAt, updatedAt (product.rows.ts);
 * Listing sku, compareAtPrice, status, createdAt, updatedAt (listing.rows.ts); the listing seller's description,
 * createdAt, legalName, taxId, address (sellers/seller.rows.ts); and by what the operation selects (NarrowRead):
 * ProductVariant options, the global `id` of products, variants, listings and sellers (~200 per page), the
 * page's cursors; and the column groups narrow-columns.ts leaves out of the statements by what the operation
 * selects (product state, translations, category; variant gtin and position; listing id, variant id, buy-box
 * columns; seller fields beyond id, slug and name). A field added to a list here must be answered from what those reads keep: the fast-path parity
 * cases "catalog page, narrow reads" and "product by slug, narrow reads" select every one of them and compare the
 * answers with whole reads' (test/server/fast-path-parity.test.ts); which operations read narrowly is
 * test/modules/catalog/narrow-reads.test.ts's.
 */
/** Every field listed by name: a field added to one of these types later reads whole rows until it is listed here. */
const NARROW_FIELDS: Record<string, ReadonlySet<string>> = {
  Query: new Set(['products', 'product']),
  ProductConnection: new Set(['nodes', 'edges', 'pageInfo']),
  ProductEdge: new Set(['node', 'cursor']),
  PageInfo: new Set(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']),
  Product: new Set(['id', 'slug', 'title', 'status', 'language', 'inStock', 'priceRange', 'bestListing', 'listings', 'offers', 'variants', 'category']),
  MoneyRange: new Set(['min', 'max']),
  Money: new Set(['amount', 'currency', 'formatted']),
  ProductOffer: new Set(['isWinner', 'landedPrice', 'listing', 'position', 'reason', 'reasonCode', 'shipping']),
  ProductVariant: new Set(['id', 'title', 'options', 'gtin', 'position', 'listings']),
  SelectedOption: new Set(['name', 'value']),
  Listing: new Set(['id', 'price', 'stock', 'inStock', 'condition', 'handlingDays', 'seller']),
  Seller: new Set(['id', 'slug', 'name', 'status', 'rating', 'ratingCount', 'shipping']),
  ShippingPolicy: new Set(['flatRate', 'freeShippingThreshold']),
  // Not read narrowly (categories are read whole, with the product or by categoryById): listed for what they lead to.
  Category: new Set(['id', 'slug', 'name', 'position', 'parent', 'children', 'ancestors']),
};

/** What an operation that reads narrowly selects, anywhere in it (through every fragment, @skip/@include ignored). */
export interface NarrowRead {
  selects(type: string, field: string): boolean;
}

/** Per operation node (Apollo and graphql-jit keep each document's nodes): the walk runs once per document. */
const known = new WeakMap<OperationDefinitionNode, NarrowRead | null>();

/** What `operation` selects when every field it selects is in NARROW_FIELDS; else null. */
function narrowRead(info: GraphQLResolveInfo): NarrowRead | null {
  const { fragments, schema } = info;
  const selected = new Set<string>();
  const fits = (type: GraphQLNamedType, set: SelectionSetNode | undefined): boolean => {
    const allowed = NARROW_FIELDS[type.name];
    if (!allowed || !isObjectType(type)) return false;
    const fields = type.getFields();
    let ok = true;
    forEachSelectedField(set, fragments, (name, inner) => {
      if (!ok || name === '__typename') return;
      const field = fields[name];
      if (!field || !allowed.has(name)) ok = false;
      else {
        selected.add(`${type.name}.${name}`);
        if (inner) ok = fits(getNamedType(field.type), inner);
      }
    });
    return ok;
  };
  if (info.operation.operation !== 'query' || !fits(schema.getQueryType()!, info.operation.selectionSet)) return null;
  return { selects: (type, field) => selected.has(`${type}.${field}`) };
}

/** Whether this operation's catalog reads may leave out the columns it does not select (see above): what it selects, or null. */
export function narrowCatalogReads(info: GraphQLResolveInfo): NarrowRead | null {
  if (!narrowReadsAllowed(info.schema)) return null;
  let narrow = known.get(info.operation);
  if (narrow === undefined) {
    narrow = narrowRead(info);
    known.set(info.operation, narrow);
  }
  return narrow;
}

/**
 * Whether a selection set on Product or Seller selects only fields answered from what a narrow read keeps
 * (NARROW_FIELDS above), for another module that reads those rows itself (search's page and its facets' sellers):
 * such a reader may then select PRODUCT_NARROW_COLUMNS / narrowSellerJson. Only the type's own fields are checked:
 * the objects they lead to (listings, categories) are read by their loaders, whole. False when the schema does
 * not allow narrow reads (`fastPaths: false`).
 */
export function selectsNarrowly(info: GraphQLResolveInfo, type: 'Product' | 'Seller', set: SelectionSetNode | undefined): boolean {
  const allowed = NARROW_FIELDS[type];
  // Product and Seller list their fields by name (never 'any'): anything else reads whole rows.
  if (!narrowReadsAllowed(info.schema) || typeof allowed !== 'object') return false;
  let ok = true;
  forEachSelectedField(set, info.fragments, (name) => {
    if (name !== '__typename' && !allowed.has(name)) ok = false;
  });
  return ok;
}
