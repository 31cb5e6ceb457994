import { randomUUID } from 'node:crypto';
import type { InTransaction } from '../core/context';
import { slugify } from '../core/slug';
import { refreshPrices } from '../modules/catalog/pricing';

/** A new product of the scope's seller, sold by that seller through one listing. */
export interface ScopedProductInput {
  title: string;
  description?: string;
  images?: { url: string; alt?: string | null }[];
  /** 'draft' keeps it off the storefront until the seller publishes it with productUpdate. Default 'active'. */
  status?: 'draft' | 'active';
  /** The listing's price in minor units of `currency`, which must be the marketplace currency. */
  price: { amount: number; currency: string };
  /** Units the listing offers, e.g. the pre-orders the seller accepts before making it. */
  stock: number;
  /** Working days before the seller ships (0–60, default 1): a made-to-order product ships later. */
  handlingDays?: number;
  /** The listing's SKU, unique among the seller's active listings. */
  sku: string;
}

export interface ScopedProduct {
  productId: string;
  variantId: string;
  listingId: string;
  slug: string;
}

const MAX_STOCK = 1_000_000_000;
const URL = /^https?:\/\/\S+$/;

/** Why `input` can't become a product, or null: plugins validate their own input first, so this is a plugin bug. */
export function invalidProductInput(input: ScopedProductInput, currency: string): string | null {
  const title = input.title?.trim() ?? '';
  if (!title || title.length > 200) return 'title must be 1 to 200 characters';
  if ((input.description ?? '').length > 20_000) return 'description must be under 20,000 characters';
  const images = input.images ?? [];
  if (images.length > 20 || images.some((i) => !URL.test(i.url) || i.url.length > 2000)) return 'images must be at most 20 http(s) URLs';
  if (!Number.isSafeInteger(input.price.amount) || input.price.amount < 0) return 'price.amount must be a whole number of minor units, 0 or more';
  if (input.price.currency !== currency) return `price.currency must be ${currency}`;
  if (!Number.isInteger(input.stock) || input.stock < 0 || input.stock > MAX_STOCK) return `stock must be 0 to ${MAX_STOCK}`;
  const handlingDays = input.handlingDays ?? 1;
  if (!Number.isInteger(handlingDays) || handlingDays < 0 || handlingDays > 60) return 'handlingDays must be 0 to 60';
  if (!input.sku?.trim() || input.sku.length > 64) return 'sku must be 1 to 64 characters';
  return null;
}

/**
 * Inserts the product (owned by `sellerId`, created by `plugin`), its default variant and the seller's
 * listing in `tx`, then refreshes the product's denormalised prices, as productCreate + listingCreate would.
 */
export async function insertScopedProduct({ tx }: InTransaction, plugin: string, sellerId: string, input: ScopedProductInput): Promise<ScopedProduct> {
  const title = input.title.trim();
  const base = slugify(title) || 'product';
  const images = JSON.stringify((input.images ?? []).map((i) => ({ url: i.url, alt: i.alt ?? null })));
  const insert = (slug: string): Promise<{ id: string; slug: string }[]> =>
    tx.query(
      `INSERT INTO product (slug, title, description, images, status, created_by_seller_id, created_by_plugin)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (slug) DO NOTHING RETURNING id, slug`,
      [slug, title, input.description ?? '', images, input.status ?? 'active', sellerId, plugin],
    );
  // A taken slug gets a short random suffix, as productCreate does for derived slugs.
  const product = (await insert(base))[0] ?? (await insert(`${base}-${randomUUID().slice(0, 6)}`))[0];
  if (!product) throw new Error(`no free slug for "${base}"`);
  const [variant] = await tx.query(`INSERT INTO product_variant (product_id, title, position) VALUES ($1, 'Default', 0) RETURNING id`, [product.id]);
  const [listing] = await tx.query(
    `INSERT INTO listing (seller_id, variant_id, product_id, sku, price, currency, stock, handling_days)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [sellerId, variant.id, product.id, input.sku.trim(), input.price.amount, input.price.currency, input.stock, input.handlingDays ?? 1],
  );
  await refreshPrices({ tx }, [product.id]);
  return { productId: product.id, variantId: variant.id, listingId: listing.id, slug: product.slug };
}
