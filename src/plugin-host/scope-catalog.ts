import type { InTransaction } from '../core/context';
import { MAX_STOCK, insertProduct } from '../modules/catalog';
import { controlCharacterAt } from '../core/validate';

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

const URL = /^https?:\/\/\S+$/;

/** Why `input` can't become a product, or null: plugins validate their own input first, so this is a plugin bug. */
export function invalidProductInput(input: ScopedProductInput, currency: string): string | null {
  const title = input.title?.trim() ?? '';
  if (!title || title.length > 200) return 'title must be 1 to 200 characters';
  if ((input.description ?? '').length > 20_000) return 'description must be under 20,000 characters';
  if (controlCharacterAt(title) >= 0 || controlCharacterAt(input.description ?? '', true) >= 0) return 'title and description must hold no control characters';
  const images = input.images ?? [];
  if (images.length > 20 || images.some((i) => i.url.length > 2000 || !URL.test(i.url))) return 'images must be at most 20 http(s) URLs';
  if (!Number.isSafeInteger(input.price.amount) || input.price.amount < 0) return 'price.amount must be a whole number of minor units, 0 or more';
  if (input.price.currency !== currency) return `price.currency must be ${currency}`;
  if (!Number.isInteger(input.stock) || input.stock < 0 || input.stock > MAX_STOCK) return `stock must be 0 to ${MAX_STOCK}`;
  const handlingDays = input.handlingDays ?? 1;
  if (!Number.isInteger(handlingDays) || handlingDays < 0 || handlingDays > 60) return 'handlingDays must be 0 to 60';
  if (!input.sku?.trim() || input.sku.length > 64) return 'sku must be 1 to 64 characters';
  if (controlCharacterAt(input.sku) >= 0) return 'sku must hold no control characters';
  return null;
}

/**
 * Creates the product (owned by `sellerId`, created by `plugin`) with its default variant and the seller's
 * listing through the catalog's one creation path, as productCreate + listingCreate would.
 */
export async function insertScopedProduct(ctx: InTransaction, plugin: string, sellerId: string, input: ScopedProductInput): Promise<ScopedProduct> {
  const created = await insertProduct(ctx, {
    title: input.title,
    description: input.description,
    images: input.images,
    status: input.status ?? 'active',
    variants: [{ title: 'Default', options: {} }],
    createdBySellerId: sellerId,
    createdByPlugin: plugin,
    listing: {
      sellerId,
      sku: input.sku.trim(),
      price: input.price.amount,
      currency: input.price.currency,
      stock: input.stock,
      handlingDays: input.handlingDays ?? 1,
    },
  });
  return { productId: created.productId, variantId: created.variantIds[0]!, listingId: created.listingId!, slug: created.slug };
}
