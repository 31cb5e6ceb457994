import { randomUUID } from 'node:crypto';
import type { InTransaction } from '../../core/context';
import { slugify } from '../../core/slug';
import { insertListing, type NewListing } from './stock';

/** A product as both of its creators give it: productCreate (a seller or the operator) and a plugin's createProduct. */
export interface NewProduct {
  /** An explicit slug must be free (a unique violation surfaces); without one, the title's slug, suffixed when taken. */
  slug?: string;
  title: string;
  description?: string;
  categoryId?: string | null;
  images?: { url: string; alt?: string | null }[];
  attributes?: Record<string, unknown>;
  status: string;
  /** 'es' or 'en'; the column's default (Spanish) when omitted. */
  language?: string | null;
  variants: { title: string; options: Record<string, string>; gtin?: string | null }[];
  createdBySellerId: string | null;
  createdByPlugin?: string | null;
  /** The creator's listing of the first variant, when it sells the product right away. */
  listing?: Omit<NewListing, 'variantId' | 'productId'>;
}

export interface InsertedProduct {
  productId: string;
  slug: string;
  variantIds: string[];
  listingId: string | null;
}

/**
 * The one way a product comes into the catalog: the product, its variants (one statement) and the creator's
 * listing, whose insert refreshes the product's prices; inputs are validated by the caller. It needs only the
 * transaction (InTransaction), which is all a plugin scope has.
 */
export async function insertProduct(ctx: InTransaction, input: NewProduct): Promise<InsertedProduct> {
  const { tx } = ctx;
  const insert = (slug: string, onConflict: string): Promise<{ id: string; slug: string }[]> =>
    tx.query(
      `INSERT INTO product (slug, title, description, category_id, images, attributes, status, created_by_seller_id, created_by_plugin, language)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, 'es')) ${onConflict} RETURNING id, slug`,
      [
        slug,
        input.title.trim(),
        input.description ?? '',
        input.categoryId ?? null,
        JSON.stringify((input.images ?? []).map((i) => ({ url: i.url, alt: i.alt ?? null }))),
        JSON.stringify(input.attributes ?? {}),
        input.status,
        input.createdBySellerId,
        input.createdByPlugin ?? null,
        input.language ?? null,
      ],
    );
  let product: { id: string; slug: string } | undefined;
  if (input.slug) [product] = await insert(input.slug, '');
  else {
    // A derived slug that is taken gets a short random suffix; a second clash is too unlikely to retry.
    const base = slugify(input.title) || 'product';
    [product] = await insert(base, 'ON CONFLICT (slug) DO NOTHING');
    product ??= (await insert(`${base}-${randomUUID().slice(0, 6)}`, ''))[0];
  }
  if (!product) throw new Error('product insert returned no row');
  const variants: { id: string; position: number }[] = await tx.query(
    `INSERT INTO product_variant (product_id, title, options, gtin, position)
     SELECT $1, x.title, x.options, x.gtin, x.position
       FROM unnest($2::text[], $3::jsonb[], $4::text[], $5::int[]) AS x(title, options, gtin, position)
      ORDER BY x.position
     RETURNING id, position`,
    [
      product.id,
      input.variants.map((v) => v.title),
      input.variants.map((v) => JSON.stringify(v.options)),
      input.variants.map((v) => v.gtin ?? null),
      input.variants.map((_, i) => i),
    ],
  );
  // RETURNING promises no order: the position says which is the first variant.
  const variantIds = variants.sort((a, b) => a.position - b.position).map((v) => v.id);
  const listingId = input.listing
    ? await insertListing(ctx, { ...input.listing, productId: product.id, variantId: variantIds[0]! })
    : null;
  return { productId: product.id, slug: product.slug, variantIds, listingId };
}
