import type { InTransaction, TxContext } from '../../core/context';
import { emit } from '../../events/outbox';
import { refreshPrices } from './pricing';
import { listingVisibleSql } from './listing-visibility';
import { opaqueParam, preparedTxQuery } from '../../db/prepared-query';

/**
 * The one writer of `listing.stock`. Whoever sells, cancels, counts or creates goes through here, so the
 * product's denormalised in-stock flag (refreshPrices) follows every time a listing's stock crosses zero.
 * Callers hold the listings' row locks (FOR NO KEY UPDATE, in id order) before taking stock.
 */

export const MAX_STOCK = 1_000_000_000;

export interface StockLine {
  listingId: string;
  quantity: number;
}

/** Thrown when a sale would take more than is left: callers check under the lock first, so this is a bug. */
export class StockBelowZero extends Error {}

// TypeORM answers an UPDATE … RETURNING with [rows, affected], not rows as for SELECT and INSERT.

/** Sorted by listing id, so every batch touches listings in the same order as the locks. */
const byListing = <L extends StockLine>(lines: readonly L[]): L[] => [...lines].sort((a, b) => (a.listingId < b.listingId ? -1 : 1));

/** Takes sold units (one statement for any number of lines); never below zero. */
export async function takeStock(ctx: TxContext, lines: readonly StockLine[]): Promise<void> {
  if (!lines.length) return;
  const sorted = byListing(lines);
  const [rows]: [{ productId: string; stock: number }[], number] = await preparedTxQuery(
    ctx.tx,
    `UPDATE listing l SET stock = l.stock - x.q, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS x(id, q) WHERE l.id = x.id AND l.stock >= x.q
     RETURNING l.product_id AS "productId", l.stock`,
    [sorted.map((l) => l.listingId), sorted.map((l) => l.quantity)],
  );
  if (rows.length !== sorted.length) throw new StockBelowZero('a sale would take a listing below zero stock');
  // Only a listing that ran out can change the product's in-stock flag.
  await refreshPrices(ctx, rows.filter((r) => r.stock === 0).map((r) => r.productId));
}

/** A line to sell with the listing's columns as the seller read them (unlocked) to price it. */
export interface StockLineAsRead extends StockLine {
  price: number;
  currency: string;
  sku: string;
}

/**
 * Takes sold units only if every listing is still on sale (listingVisibleSql: listing, seller and product
 * active) and as read (price, currency, SKU) with enough
 * stock; otherwise false, and the caller must roll back (some rows may have been taken). The UPDATE
 * locks the rows, so a checkout that read without a lock holds them from here to its commit only.
 * Planning: every purchase planned this statement afresh (pg_stat_statements: 281 plans for 263 runs in a
 * bench phase), because a custom plan, which sees the arrays' length, always looked cheaper than the generic
 * one; joining product (12 indexes, 8 partial) made that plan cost 0.69 ms. Seller and product are now read
 * by a subquery per listing (0.22 ms to plan), and the arrays are hidden from the planner (opaqueParam), so
 * a connection keeps the generic plan after five runs (0.02 ms):
 * a nested loop over the lines through the listings' primary key.
 *
 * `also`: another module's data-modifying statement run as a CTE of this one (its parameters numbered from $6),
 * e.g. the payment's booking of its authorization (one round trip fewer inside the purchase's transaction,
 * issue 14); it runs whether the stock is taken or not, so the caller rolls it back with a false answer.
 */
export async function takeStockAsRead(ctx: TxContext, lines: readonly StockLineAsRead[], also?: { sql: string; values: unknown[] }): Promise<boolean> {
  if (!lines.length && !also) return true;
  const sorted = byListing(lines);
  const [rows]: [{ productId: string; stock: number }[], number] = await preparedTxQuery(
    ctx.tx,
    `${also ? `WITH also AS (${also.sql})\n     ` : ''}UPDATE listing l SET stock = l.stock - x.q, updated_at = now()
       FROM unnest(${opaqueParam('$1', 'uuid[]')}, ${opaqueParam('$2', 'int[]')}, ${opaqueParam('$3', 'bigint[]')}, ${opaqueParam('$4', 'text[]')}, ${opaqueParam('$5', 'text[]')})
            AS x(id, q, price, currency, sku)
      WHERE l.id = x.id AND l.stock >= x.q AND l.price = x.price AND l.currency = x.currency AND l.sku = x.sku
        AND (SELECT ${listingVisibleSql({ listing: 'l', seller: 's', product: 'p' })} FROM seller s, product p WHERE s.id = l.seller_id AND p.id = l.product_id)
     RETURNING l.product_id AS "productId", l.stock`,
    [
      sorted.map((l) => l.listingId),
      sorted.map((l) => l.quantity),
      sorted.map((l) => l.price),
      sorted.map((l) => l.currency),
      sorted.map((l) => l.sku),
      ...(also?.values ?? []),
    ],
  );
  if (rows.length !== sorted.length) return false;
  await refreshPrices(ctx, rows.filter((r) => r.stock === 0).map((r) => r.productId));
  return true;
}

/** Puts units back, e.g. a cancelled order's lines (one statement for any number of lines). */
export async function putBackStock(ctx: TxContext, lines: readonly StockLine[]): Promise<void> {
  if (!lines.length) return;
  const sorted = byListing(lines);
  const [rows]: [{ productId: string; before: number }[], number] = await ctx.tx.query(
    `UPDATE listing l SET stock = l.stock + x.q, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS x(id, q) WHERE l.id = x.id
     RETURNING l.product_id AS "productId", l.stock - x.q AS before`,
    [sorted.map((l) => l.listingId), sorted.map((l) => l.quantity)],
  );
  await refreshPrices(ctx, rows.filter((r) => r.before === 0).map((r) => r.productId));
}

/** Sets a counted stock (0 to MAX_STOCK, validated by the caller) on a listing the caller has locked. */
export async function setStock(ctx: TxContext, listingId: string, stock: number): Promise<void> {
  const [[row]]: [{ productId: string; sellerId: string; before: number }[], number] = await ctx.tx.query(
    `UPDATE listing l SET stock = $2, updated_at = now() FROM listing old WHERE l.id = $1 AND old.id = l.id
     RETURNING l.product_id AS "productId", l.seller_id AS "sellerId", old.stock AS before`,
    [listingId, stock],
  );
  if (row && row.before > 0 !== stock > 0) await refreshPrices(ctx, [row.productId]);
  if (row && row.before === 0 && stock > 0) await emit(ctx, 'listing.restocked', { listingId, productId: row.productId, sellerId: row.sellerId });
}

/** Adds `delta` (negative takes) atomically; false, changing nothing, when the result would leave 0..MAX_STOCK. */
export async function adjustStock(ctx: TxContext, listingId: string, delta: number): Promise<boolean> {
  const [[row]]: [{ productId: string; sellerId: string; stock: number }[], number] = await ctx.tx.query(
    `UPDATE listing SET stock = stock + $2, updated_at = now() WHERE id = $1 AND stock + $2 BETWEEN 0 AND $3
     RETURNING product_id AS "productId", seller_id AS "sellerId", stock`,
    [listingId, delta, MAX_STOCK],
  );
  if (!row) return false;
  if (row.stock - delta > 0 !== row.stock > 0) await refreshPrices(ctx, [row.productId]);
  if (row.stock - delta === 0 && row.stock > 0) await emit(ctx, 'listing.restocked', { listingId, productId: row.productId, sellerId: row.sellerId });
  return true;
}

/** A new listing's row, with its initial stock; its product's prices and in-stock flag follow. */
export interface NewListing {
  sellerId: string;
  variantId: string;
  productId: string;
  sku: string;
  price: number;
  compareAtPrice?: number | null;
  currency: string;
  stock: number;
  condition?: string;
  handlingDays?: number;
}

/** Takes only the transaction (InTransaction) because plugins' scoped createProduct reaches it too. */
export async function insertListing(ctx: InTransaction, listing: NewListing): Promise<string> {
  const [{ id }]: { id: string }[] = await ctx.tx.query(
    `INSERT INTO listing (seller_id, variant_id, product_id, sku, price, compare_at_price, currency, stock, condition, handling_days)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      listing.sellerId,
      listing.variantId,
      listing.productId,
      listing.sku,
      listing.price,
      listing.compareAtPrice ?? null,
      listing.currency,
      listing.stock,
      listing.condition ?? 'new',
      listing.handlingDays ?? 1,
    ],
  );
  // A new listing changes the price range as well as the flag: always refreshed.
  await refreshPrices(ctx, [listing.productId]);
  return id;
}
