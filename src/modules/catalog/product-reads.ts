import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { Context } from '../../core/context';
import { forEachSelectedField } from '../../core/selection';
import { narrowCatalogReads, type NarrowRead } from './catalog-narrow-reads';

/** The per-product batches a selection of products needs: their variants, their listings. */
export interface ProductReads {
  variants: boolean;
  listings: boolean;
  /** Set when the operation's fields all answer from narrow rows (catalog-narrow-reads.ts): what it selects. */
  narrow: NarrowRead | null;
}

/** Product fields answered from the product's listings (product.resolver.ts, variant.resolver.ts). */
const LISTING_FIELDS = new Set(['bestListing', 'listings', 'offers']);

/** Per field node of a document (Apollo and graphql-jit keep each document's nodes): the walk runs once per document. */
const known = new WeakMap<FieldNode, ProductReads>();

/**
 * What a `products` connection's products (`nodes`, `edges { node }`) or a `product` field selects of the
 * per-product reads, over every fragment.
 */
export function productReads(info: GraphQLResolveInfo, connection: boolean): ProductReads {
  const first = info.fieldNodes[0]!;
  let reads = known.get(first);
  if (reads) return reads;
  const found: ProductReads = { variants: false, listings: false, narrow: narrowCatalogReads(info) };
  const product = (set: SelectionSetNode | undefined) =>
    forEachSelectedField(set, info.fragments, (name, inner) => {
      if (LISTING_FIELDS.has(name)) found.listings = true;
      else if (name === 'variants') {
        found.variants = true;
        forEachSelectedField(inner, info.fragments, (field) => {
          if (field === 'listings') found.listings = true;
        });
      }
    });
  const edges = (set: SelectionSetNode | undefined) =>
    forEachSelectedField(set, info.fragments, (name, inner) => {
      if (name === 'node') product(inner);
    });
  for (const node of info.fieldNodes) {
    if (!connection) product(node.selectionSet);
    else {
      forEachSelectedField(node.selectionSet, info.fragments, (name, inner) => {
        if (name === 'nodes') product(inner);
        else if (name === 'edges') edges(inner);
      });
    }
  }
  reads = found;
  known.set(first, reads);
  return reads;
}

/**
 * Reads the selected batches of `productUuids` before the products are answered, instead of when graphql-jit
 * reaches their fields: the same statements (the page's variants and listings, each one statement, and now
 * side by side), but every product's and variant's list field is then answered with a value (catalog.loaders.ts),
 * not a promise: ~120 promises fewer per catalog page, which graphql-jit handles on its slow path.
 * A failed read is left to the fields: they load it again and answer the error.
 */
export function readAhead(ctx: Context, productUuids: readonly string[], reads: ProductReads): Promise<void> {
  return ctx.loaders.readAhead(productUuids, reads.variants, reads.listings, reads.narrow);
}
