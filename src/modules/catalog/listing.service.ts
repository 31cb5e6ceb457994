import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { actingSeller, requireSellerOrAdmin } from '../../auth/guards';
import type { SellerScope } from '../../auth/viewer';
import { ErrorCode } from '../../core/errors';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { idOf, requireIdOf } from '../../core/global-id';
import type { MoneyInput } from '../../core/money';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { uniqueViolation } from '../../db/pg-errors';
import { ListingEntity } from './catalog.entity';
import { canSeeProduct, ownsListing } from './catalog.visibility';
import { LISTING_COLUMNS, toListing, type ListingRow } from './listing.rows';
import { ListingStatus, type Listing } from './listing.type';
import { recordPriceDrop } from './price-drops';
import { refreshPrices } from './pricing';
import { isListingOffered, listingVisibleSql } from './listing-visibility';
import { MAX_STOCK, adjustStock as adjustListingStock, insertListing, setStock as setListingStock } from './stock';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product.rows';
import type {
  ListingCreateInput,
  ListingStockAdjustInput,
  ListingStockSetInput,
  ListingUpdateInput,
} from './catalog.inputs';

function validateMoney(v: Validator, ctx: Context, field: string, money: MoneyInput | undefined): void {
  if (!money) return;
  v.int(`${field}.amount`, money.amount);
  v.check(
    money.currency === ctx.config.currency,
    `${field}.currency`,
    `Listings are priced in ${ctx.config.currency}.`,
    ErrorCode.CURRENCY_NOT_SUPPORTED,
  );
}

function validateListingFields(v: Validator, ctx: Context, input: Partial<ListingCreateInput>): void {
  if (input.sku != null) v.text('sku', input.sku, { max: 64 });
  validateMoney(v, ctx, 'price', input.price);
  validateMoney(v, ctx, 'compareAtPrice', input.compareAtPrice);
  v.int('stock', input.stock, { min: 0, max: MAX_STOCK });
  v.int('handlingDays', input.handlingDays, { min: 0, max: 60 });
}

async function loadListing({ tx }: TxContext, id: string): Promise<Listing> {
  const rows: ListingRow[] = await tx.query(
    `SELECT ${LISTING_COLUMNS} FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.id = $1`,
    [id],
  );
  return toListing(rows[0]!);
}

/** Locks and returns a listing the viewer owns; NOT_FOUND for anyone else's. */
async function ownListing(ctx: TxContext, globalId: string, field: string, scope: SellerScope = 'catalog:write'): Promise<Listing> {
  const { tx } = ctx;
  requireSellerOrAdmin(ctx.viewer, scope);
  const uuid = idOf(globalId, 'Listing');
  if (!uuid) fail(field, `${field} is not a valid Listing ID.`, ErrorCode.INVALID_ID);
  const rows: ListingRow[] = await tx.query(
    `SELECT ${LISTING_COLUMNS} FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.id = $1 FOR NO KEY UPDATE OF l`,
    [uuid],
  );
  const listing = rows[0] ? toListing(rows[0]) : null;
  if (!listing || !ownsListing(ctx.viewer, listing)) fail(field, 'Listing not found.', ErrorCode.NOT_FOUND);
  return listing;
}

function uniqueToUserError(err: unknown): never {
  const constraint = uniqueViolation(err);
  if (constraint?.includes('sku')) fail('sku', 'You already have an active listing with this SKU.', ErrorCode.TAKEN);
  if (constraint !== null) {
    fail('condition', 'You already list this variant in this condition; update that listing instead.', ErrorCode.TAKEN);
  }
  throw err;
}

export async function createListing(ctx: Context, input: ListingCreateInput) {
  const sellerUuid = actingSeller(ctx.viewer, input.sellerId ? requireIdOf(input.sellerId, 'Seller', 'sellerId') : null, 'catalog:write');
  const v = new Validator();
  v.check(!input.variantId !== !input.gtin, 'variantId', 'Give exactly one of variantId and gtin.');
  validateListingFields(v, ctx, input);
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      let variantRows: { id: string; productId: string }[];
      if (input.variantId) {
        const variantUuid = idOf(input.variantId, 'ProductVariant');
        if (!variantUuid) fail('variantId', 'variantId is not a valid ProductVariant ID.', ErrorCode.INVALID_ID);
        variantRows = await tx.query('SELECT id, product_id AS "productId" FROM product_variant WHERE id = $1', [variantUuid]);
      } else {
        variantRows = await tx.query('SELECT id, product_id AS "productId" FROM product_variant WHERE gtin = $1', [input.gtin]);
      }
      const variant = variantRows[0];
      const productRows: ProductRow[] = variant
        ? // Locked like productUpdate locks it: a listing never slips in while its product is being withdrawn.
          await tx.query(`SELECT ${PRODUCT_COLUMNS} FROM product p WHERE p.id = $1 FOR NO KEY UPDATE`, [variant.productId])
        : [];
      if (!variant || !productRows[0] || !canSeeProduct(ctx.viewer, toProduct(productRows[0]))) {
        fail(input.variantId ? 'variantId' : 'gtin', 'Variant not found.', ErrorCode.NOT_FOUND);
      }
      const id = await insertListing(ctx, {
        sellerId: sellerUuid,
        variantId: variant.id,
        productId: variant.productId,
        sku: input.sku.trim(),
        price: input.price.amount,
        compareAtPrice: input.compareAtPrice?.amount ?? null,
        currency: input.price.currency,
        stock: input.stock,
        condition: input.condition,
        handlingDays: input.handlingDays,
      });
      return { listing: await loadListing(ctx, id) };
    });
  } catch (err) {
    return uniqueToUserError(err);
  }
}

export async function updateListing(ctx: Context, input: ListingUpdateInput) {
  const v = new Validator();
  validateListingFields(v, ctx, input);
  v.done();
  try {
    return await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      const listing = await ownListing(ctx, input.id, 'id');
      if (listing.status === ListingStatus.ARCHIVED) fail('id', 'Archived listings cannot change.', ErrorCode.INVALID_STATE);
      const changes: Partial<ListingEntity> = { updatedAt: new Date() };
      if (input.sku != null) changes.sku = input.sku.trim();
      if (input.price) changes.price = String(input.price.amount);
      if (input.compareAtPrice) changes.compareAtPrice = input.compareAtPrice.amount ? String(input.compareAtPrice.amount) : null;
      if (input.condition) changes.condition = input.condition;
      if (input.handlingDays != null) changes.handlingDays = input.handlingDays;
      await tx.update(ListingEntity, { id: listing.uuid }, changes);
      await refreshPrices(ctx, [listing.productUuid]);
      if (input.price && input.price.amount < listing.price.amount) {
        await recordPriceDrop(ctx, {
          listingId: listing.uuid,
          productId: listing.productUuid,
          sellerId: listing.sellerUuid,
          from: listing.price.amount,
          to: input.price.amount,
          currency: listing.price.currency,
        });
      }
      return { listing: await loadListing(ctx, listing.uuid) };
    });
  } catch (err) {
    return uniqueToUserError(err);
  }
}

export async function archiveListing(ctx: Context, id: string) {
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const listing = await ownListing(ctx, id, 'id');
    await tx.update(ListingEntity, { id: listing.uuid }, { status: 'archived', updatedAt: new Date() });
    await refreshPrices(ctx, [listing.productUuid]);
    return { listing: await loadListing(ctx, listing.uuid) };
  });
}

export async function setStock(ctx: Context, input: ListingStockSetInput) {
  const v = new Validator();
  v.int('stock', input.stock, { min: 0, max: MAX_STOCK });
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const listing = await ownListing(ctx, input.listingId, 'listingId', 'stock:write');
    await setListingStock(ctx, listing.uuid, input.stock);
    return { listing: await loadListing(ctx, listing.uuid) };
  });
}

/** Adds `delta` atomically; the stock never goes below zero whatever runs concurrently. */
export async function adjustStock(ctx: Context, input: ListingStockAdjustInput) {
  const v = new Validator();
  v.int('delta', input.delta, { min: -MAX_STOCK, max: MAX_STOCK });
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const listing = await ownListing(ctx, input.listingId, 'listingId', 'stock:write');
    if (!(await adjustListingStock(ctx, listing.uuid, input.delta))) {
      fail('delta', `Stock is ${listing.stock}; it can't go below zero or above ${MAX_STOCK}.`, ErrorCode.INSUFFICIENT_STOCK);
    }
    return { listing: await loadListing(ctx, listing.uuid) };
  });
}

/** A listing by global ID when the viewer may see it (visible to all, or owned). */
export async function findListing(ctx: Context, uuid: string): Promise<Listing | null> {
  const listing = await ctx.loaders.listingById.load(uuid);
  if (!listing) return null;
  if (ownsListing(ctx.viewer, listing)) return listing;
  const [seller, product] = await Promise.all([
    ctx.loaders.sellerById.load(listing.sellerUuid),
    ctx.loaders.productById.load(listing.productUuid),
  ]);
  // Offered, and its product visible to this viewer (the product's seller also sees it while a draft).
  return seller && isListingOffered(listing, seller) && product && canSeeProduct(ctx.viewer, product) ? listing : null;
}

/** A seller's listings, newest first: the seller itself and the operator also see archived ones. */
export async function listSellerListings(ctx: Context, sellerUuid: string, { first, after }: { first: number; after?: string }) {
  checkPageSize(first);
  const params: unknown[] = [sellerUuid];
  const where = ['l.seller_id = $1'];
  if (!ownsListing(ctx.viewer, { sellerUuid })) where.push(listingVisibleSql({ listing: 'l', seller: 's', product: 'p' }));
  if (after) {
    const { key, id } = decodeKeyset(after);
    params.push(key, id);
    where.push('(l.created_at, l.id) < ($2::timestamptz, $3::uuid)');
  }
  params.push(first + 1);
  const rows: (ListingRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${LISTING_COLUMNS}, l.created_at::text AS "sortKey"
       FROM listing l JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id
      WHERE ${where.join(' AND ')} ORDER BY l.created_at DESC, l.id DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.id]), toListing);
}
