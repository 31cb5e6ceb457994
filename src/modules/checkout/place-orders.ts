import { runAdjusters, type AdjustedGroup, type AdjustmentWarning } from '../../core/adjustments';
import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import type { AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { UserErrors, fail, userError, type UserError } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { listingVisibleSql, takeStock } from '../catalog';
import { issueInvoice, isReverseCharged, orderTax } from '../invoices';
import { customerVatNumber } from '../customers';
import type { TaxClass } from '../invoices/vat-rates';
import {
  authorizePayment,
  capturePayment,
  crashPoint,
  holdPayment,
  openPayment,
  releasePayment,
  type AuthorizationState,
  type PaymentProvider,
} from '../payments';

export interface PurchaseLine {
  listingId: string;
  quantity: number;
  /** Where the line came from in the input, for userErrors, e.g. ['input', 'listingId']. */
  field: string[];
  /** Plugins' per-line options (validated when put on the cart), copied to the order line; {} when none. */
  options?: Record<string, unknown>;
}

export interface Purchase {
  lines: PurchaseLine[];
  cartId: string | null;
  shippingAddress: AddressData;
  /** Discount codes the adjusters may honour (the cart's; none for buyNow). */
  codes: string[];
}

/** A placed checkout and the adjusters' notices (e.g. a promotion's budget ran out: full price). */
export interface PlacedCheckout {
  checkoutId: string;
  /** Empty when the checkout was a replay of one already made. */
  warnings: AdjustmentWarning[];
}

export interface PurchaseRequest {
  customerId: string;
  idempotencyKey: string;
  /** Fingerprint of the input: the same key with another input is refused. */
  requestHash: string;
  /** Reads (and locks) what is bought and where it goes, inside the transaction. */
  prepare(ctx: TxContext): Promise<Purchase>;
  /** Runs after the purchase is recorded, in its transaction (e.g. empties the cart). */
  onPlaced?(ctx: TxContext, purchase: Purchase): Promise<void>;
  payment: { provider: PaymentProvider; token: string };
}

interface ListingForSale {
  id: string;
  sellerId: string;
  productId: string;
  variantId: string;
  categoryId: string | null;
  sku: string;
  price: number;
  currency: string;
  stock: number;
  title: string;
  variantTitle: string;
  taxClass: TaxClass;
  buyable: boolean;
  shippingRate: number;
  freeShippingThreshold: number | null;
  sellerName: string;
  /** The country of the seller's legal address; null: it has none yet, and cannot sell. */
  sellerCountry: string | null;
}

/** Thrown inside the transaction when another request holds or has used the idempotency key. */
class KeyInUse extends Error {}

/** The checkout made with (customer, key), or a userError when the key was used for another request. */
export async function existingCheckout(ctx: Context, customerId: string, key: string, hash: string): Promise<string | null> {
  const [row] = await ctx.db.query(
    'SELECT id, request_hash AS "requestHash" FROM checkout WHERE customer_id = $1 AND idempotency_key = $2',
    [customerId, key],
  );
  if (!row) return null;
  if (row.requestHash !== hash) {
    fail('idempotencyKey', 'This idempotency key was used for a different purchase; use a new key.', ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }
  return row.id;
}

async function lockListings({ tx }: TxContext, ids: string[]): Promise<Map<string, ListingForSale>> {
  // Locked in id order so concurrent checkouts of overlapping carts can't deadlock; NO KEY UPDATE so
  // inserts that merely reference a listing (cart and order lines' foreign keys) don't wait for us.
  const rows: ListingForSale[] = await tx.query(
    `SELECT l.id, l.seller_id AS "sellerId", l.product_id AS "productId", l.variant_id AS "variantId",
            p.category_id AS "categoryId", l.sku, l.price,
            l.currency, l.stock, p.title, v.title AS "variantTitle", coalesce(c.tax_class, 'standard') AS "taxClass",
            ${listingVisibleSql({ listing: 'l', seller: 's', product: 'p' })} AS buyable,
            s.shipping_rate AS "shippingRate", s.free_shipping_threshold AS "freeShippingThreshold",
            s.name AS "sellerName", s.address->>'country' AS "sellerCountry"
       FROM listing l
       JOIN seller s ON s.id = l.seller_id
       JOIN product p ON p.id = l.product_id
       JOIN product_variant v ON v.id = l.variant_id
       LEFT JOIN category c ON c.id = p.category_id
      WHERE l.id = ANY($1)
      ORDER BY l.id
        FOR NO KEY UPDATE OF l`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

function checkAvailability(lines: PurchaseLine[], listings: Map<string, ListingForSale>): void {
  const errors: UserError[] = [];
  for (const line of lines) {
    const listing = listings.get(line.listingId);
    if (!listing?.buyable) {
      errors.push(userError(line.field, 'This offer is no longer available.', ErrorCode.LISTING_UNAVAILABLE));
    } else if (!listing.sellerCountry) {
      // Its invoice must show the seller's address (RD 1619/2012, art. 6.1.e).
      errors.push(
        userError(line.field, `${listing.sellerName} cannot sell yet: it has not recorded its legal address.`, ErrorCode.SELLER_ADDRESS_MISSING),
      );
    } else if (listing.stock < line.quantity) {
      errors.push(
        userError(line.field, `Only ${listing.stock} left of ${listing.title} (${listing.sku}); you asked for ${line.quantity}.`, ErrorCode.INSUFFICIENT_STOCK),
      );
    }
  }
  if (errors.length) throw new UserErrors(errors);
}

/** Sums quantities of the same listing, keeping the first line's field for errors. */
function mergeLines(lines: PurchaseLine[]): PurchaseLine[] {
  const merged = new Map<string, PurchaseLine>();
  for (const line of lines) {
    const prev = merged.get(line.listingId);
    merged.set(line.listingId, prev ? { ...prev, quantity: prev.quantity + line.quantity } : { ...line });
  }
  return [...merged.values()];
}

interface PlacedOrder {
  orderId: string;
  sellerId: string;
  total: number;
  discount: number;
  currency: string;
}

/** Runs every adjuster over one seller's lines, inside the checkout transaction (where budgets are consumed). */
function adjustGroup(ctx: TxContext, customerId: string, codes: string[], sellerId: string, priced: Priced[], subtotal: number, shipping: number): Promise<AdjustedGroup> {
  return runAdjusters(ctx, ctx.adjusters, {
    phase: 'checkout',
    sellerId,
    currency: priced[0]!.listing.currency,
    customerId,
    lines: priced.map((p) => ({
      key: p.listing.id,
      listingId: p.listing.id,
      productId: p.listing.productId,
      variantId: p.listing.variantId,
      categoryId: p.listing.categoryId,
      quantity: p.line.quantity,
      unitPrice: p.listing.price,
      subtotal: p.total,
      taxClass: p.listing.taxClass,
      options: p.line.options ?? {},
    })),
    subtotal,
    shipping,
    codes,
  });
}

interface Priced {
  line: PurchaseLine;
  listing: ListingForSale;
  total: number;
}

async function insertAdjustments({ tx }: TxContext, orderId: string, priced: Priced[], adjusted: AdjustedGroup): Promise<void> {
  if (!adjusted.adjustments.length) return;
  const a = adjusted.adjustments;
  await tx.query(
    `INSERT INTO order_adjustment (order_id, position, source, reference, label, kind, target, amount, line_position, per_line, tax_class)
     SELECT $1, x.n - 1, x.source, x.reference, x.label, x.kind, x.target, x.amount, x.line_position,
            ARRAY(SELECT jsonb_array_elements_text(x.per_line)::bigint), x.tax_class
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::jsonb[], $10::text[])
            WITH ORDINALITY AS x(source, reference, label, kind, target, amount, line_position, per_line, tax_class, n)`,
    [
      orderId,
      a.map((x) => x.source),
      a.map((x) => x.reference),
      a.map((x) => x.label),
      a.map((x) => x.kind),
      a.map((x) => x.target),
      a.map((x) => x.amount),
      a.map((x) => (x.lineKey === null ? null : priced.findIndex((p) => p.listing.id === x.lineKey))),
      a.map((x) => JSON.stringify(x.perLine)),
      a.map((x) => (x.kind === 'SURCHARGE' ? (x.taxClass ?? 'standard') : null)),
    ],
  );
}

async function createOrders(
  ctx: TxContext,
  checkoutId: string,
  customerId: string,
  purchase: Purchase,
  lines: PurchaseLine[],
  listings: Map<string, ListingForSale>,
): Promise<{ orders: PlacedOrder[]; warnings: AdjustmentWarning[] }> {
  const { tx } = ctx;
  const { shippingAddress } = purchase;
  const bySeller = new Map<string, PurchaseLine[]>();
  for (const line of lines) {
    const sellerId = listings.get(line.listingId)!.sellerId;
    bySeller.set(sellerId, [...(bySeller.get(sellerId) ?? []), line]);
  }
  const orders: PlacedOrder[] = [];
  const warnings: AdjustmentWarning[] = [];
  const buyerVatNumber = await customerVatNumber(ctx, customerId);
  // Seller order: invoice counters (and promotions' rows, locked by their adjusters) are then locked
  // in the same order by every checkout.
  for (const sellerId of [...bySeller.keys()].sort()) {
    const sellerLines = bySeller.get(sellerId)!;
    const first = listings.get(sellerLines[0]!.listingId)!;
    const priced: Priced[] = sellerLines.map((l) => {
      const listing = listings.get(l.listingId)!;
      return { line: l, listing, total: listing.price * l.quantity };
    });
    const subtotal = priced.reduce((sum, p) => sum + p.total, 0);
    const free = first.freeShippingThreshold != null && subtotal >= first.freeShippingThreshold;
    const shipping = free ? 0 : first.shippingRate;
    const adjusted = await adjustGroup(ctx, customerId, purchase.codes, sellerId, priced, subtotal, shipping);
    warnings.push(...adjusted.warnings);
    const taxable = adjusted.adjustments.map((a) => ({ ...a, taxClass: (a.taxClass ?? null) as TaxClass | null }));
    // The invoice makes the same decision (invoice-issuing.ts) from the same rows, in this transaction.
    const reverseCharged = isReverseCharged({ sellerCountry: first.sellerCountry, buyerVatNumber, shipTo: shippingAddress.country });
    const tax = reverseCharged
      ? 0
      : orderTax(
          priced.map((p) => ({ total: p.total, taxClass: p.listing.taxClass })),
          shipping,
          shippingAddress.country,
          taxable,
        );
    const [{ id }] = await tx.query(
      `INSERT INTO orders (checkout_id, seller_id, customer_id, state, currency, subtotal, shipping, discount, surcharge, tax, total, shipping_address, paid_at)
       VALUES ($1, $2, $3, 'paid', $4, $5, $6, $7, $8, $9, $10, $11, now()) RETURNING id`,
      [checkoutId, sellerId, customerId, first.currency, subtotal, shipping, adjusted.discount, adjusted.surcharge, tax, adjusted.total, JSON.stringify(shippingAddress)],
    );
    await tx.query(
      `INSERT INTO order_line (order_id, listing_id, product_id, variant_id, title, variant_title, sku, quantity, unit_price, total, tax_class, position, discount, options)
       SELECT $1, x.* FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], $10::bigint[], $11::text[], $12::int[], $13::bigint[], $14::jsonb[]) AS x`,
      [
        id,
        priced.map((p) => p.listing.id),
        priced.map((p) => p.listing.productId),
        priced.map((p) => p.listing.variantId),
        priced.map((p) => p.listing.title),
        priced.map((p) => p.listing.variantTitle),
        priced.map((p) => p.listing.sku),
        priced.map((p) => p.line.quantity),
        priced.map((p) => p.listing.price),
        priced.map((p) => p.total),
        priced.map((p) => p.listing.taxClass),
        priced.map((_, i) => i),
        adjusted.lineDiscounts,
        priced.map((p) => JSON.stringify(p.line.options ?? {})),
      ],
    );
    await insertAdjustments(ctx, id, priced, adjusted);
    orders.push({ orderId: id as string, sellerId, total: adjusted.total, discount: adjusted.discount, currency: first.currency });
  }
  return { orders, warnings };
}

/**
 * Turns lines into one checkout: one order per seller, one payment, one invoice per order, all in one
 * transaction. Stock is taken under row locks (never below zero); the idempotency key is claimed first,
 * so concurrent copies of a request wait for the first and then return its result. The payment is
 * authorized inside the transaction and captured only after it committed; an authorization whose
 * transaction failed is voided (payments/payment-ledger.ts has the steps, and what recovery does
 * when the process dies between two of them).
 */
export async function placeOrders(ctx: Context, req: PurchaseRequest): Promise<PlacedCheckout> {
  const replay = () => existingCheckout(ctx, req.customerId, req.idempotencyKey, req.requestHash);
  const existing = await replay();
  if (existing) return { checkoutId: existing, warnings: [] };
  const payment = await openPayment(ctx, {
    customerId: req.customerId,
    idempotencyKey: req.idempotencyKey,
    provider: req.payment.provider,
    currency: ctx.config.currency,
  });
  const known: { authorization: AuthorizationState } = { authorization: { state: 'not-asked' } };
  let placed: PlacedCheckout;
  try {
    placed = await withTransaction(ctx, async (ctx) => {
      const { tx } = ctx;
      await holdPayment(ctx, payment);
      const claimed = await tx.query(
        `INSERT INTO checkout (customer_id, idempotency_key, request_hash, total, currency)
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id`,
        [req.customerId, req.idempotencyKey, req.requestHash, ctx.config.currency],
      );
      if (!claimed.length) throw new KeyInUse();
      const checkoutId: string = claimed[0].id;
      const purchase = await req.prepare(ctx);
      const lines = mergeLines(purchase.lines);
      const listings = await lockListings(ctx, lines.map((l) => l.listingId));
      checkAvailability(lines, listings);
      await takeStock(ctx, lines);
      const { orders, warnings } = await createOrders(ctx, checkoutId, req.customerId, purchase, lines, listings);
      const total = orders.reduce((sum, o) => sum + o.total, 0);
      await tx.query('UPDATE checkout SET total = $2, cart_id = $3 WHERE id = $1', [checkoutId, total, purchase.cartId]);
      await req.onPlaced?.(ctx, purchase);
      await authorizePayment(ctx, payment, { token: req.payment.token, amount: total, checkoutId }, known);
      crashPoint(ctx.config, 'after-authorize');
      // Invoices last: each seller's gap-free counter stays locked until commit, so it is taken as
      // late as possible (after the payment), keeping concurrent checkouts of a seller from queueing.
      for (const order of orders) {
        await issueInvoice(ctx, order.orderId);
        const event = { orderId: order.orderId, sellerId: order.sellerId, customerId: req.customerId, total: order.total, currency: order.currency };
        await emit(ctx, 'order.placed', { ...event, checkoutId });
        await emit(ctx, 'order.paid', { ...event, discountTotal: order.discount });
      }
      return { checkoutId, warnings };
    });
  } catch (err) {
    await releasePayment(ctx, payment, known.authorization);
    if (err instanceof KeyInUse) {
      const id = await replay();
      if (id) return { checkoutId: id, warnings: [] };
    }
    throw err;
  }
  crashPoint(ctx.config, 'after-commit');
  await capturePayment(ctx, payment, known.authorization);
  return placed;
}
