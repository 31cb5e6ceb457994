import { randomUUID } from 'node:crypto';
import { prefetchAdjusters, runAdjustersOver, type AdjustableGroup, type AdjustedGroup, type AdjustmentWarning } from '../../core/adjustments';
import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import type { AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { UserErrors, fail, userError, type UserError } from '../../core/user-error';
import { batchEvents, emitAll } from '../../events/outbox';
import { cartCompleted, completeCartSql, lockedCartSql, type CompletedCart, type LockedCart } from '../carts';
import { listingVisibleSql, takeStock, takeStockAsRead } from '../catalog';
import {
  PARTY_COLUMNS,
  invoicePartiesOf,
  issueNewOrderInvoices,
  isReverseCharged,
  orderTax,
  type InvoiceParties,
  type InvoiceParty,
  type NewOrder,
} from '../invoices';
import type { TaxClass } from '../invoices/vat-rates';
import {
  authorizeAtProvider,
  authorizePayment,
  bookAuthorizationSql,
  capturePayment,
  crashPoint,
  checkHeld,
  holdPaymentSql,
  newPayment,
  openPayment,
  openPaymentSql,
  releasePayment,
  type AuthorizationState,
  type OpenPayment,
  type PaymentProvider,
} from '../payments';
import type { CheckoutRow } from './checkout.rows';
import { OrderState, type OrderRow } from '../orders';
import { opaqueParam, preparedQuery, preparedTxQuery } from '../../db/prepared-query';

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
  /** The checkout as written, so that it need not be read back; null when it was a replay of one already made. */
  row: CheckoutRow | null;
  /** Its orders as written (what ordersByCheckoutId would read back after the commit), by seller id; null on a replay. */
  orders: OrderRow[] | null;
  /** Empty when the checkout was a replay of one already made. */
  warnings: AdjustmentWarning[];
}

export interface PurchaseRequest {
  customerId: string;
  idempotencyKey: string;
  /** Fingerprint of the input: the same key with another input is refused. */
  requestHash: string;
  /**
   * Reads (and locks) what is bought and where it goes, inside the transaction; `locked`: the cart of `cartId`,
   * locked and read by the transaction's first statement (the carts module's lockedCartSql), null without one.
   */
  prepare(ctx: TxContext, locked: LockedCart | null): Promise<Purchase>;
  /** The cart bought (its uuid), locked with the key's claim: one round trip fewer in the transaction (issue 14). */
  cartId?: string;
  /** Without a cart: the listings bought, read with the key's claim in an optimistic attempt (prefetchedListingsSql). */
  listingIds?: string[];
  payment: { provider: PaymentProvider; token: string };
  /** The first attempt's payment when the caller opened it already (openedWithReplayCheck); else the attempt opens one. */
  opened?: OpenPayment | null;
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

/** Thrown inside an optimistic attempt when a listing changed or sold out between its read and the stock take. */
class ListingsChanged extends Error {}

/** Attempts of a purchase: the first ones read the listings unlocked, the last locks them first (see placeOrders). */
const ATTEMPTS = 3;

/** The checkout made with (customer, key), or a userError when the key was used for another request. */
export async function existingCheckout(ctx: Context, customerId: string, key: string, hash: string): Promise<string | null> {
  const [row]: { id: string; requestHash: string }[] = await preparedQuery(
    ctx.db,
    'SELECT id, request_hash AS "requestHash" FROM checkout WHERE customer_id = $1 AND idempotency_key = $2',
    [customerId, key],
  );
  return replayedCheckout(row, hash);
}

/** What openedWithReplayCheck found: the checkout made under the key before, or the payment it opened instead. */
type ReplayOrPayment = { replayed: CheckoutRow; payment: null } | { replayed: null; payment: OpenPayment };

/**
 * The replay check (existingCheckout) and step 1 of the payment (openPayment) in one statement, before the
 * purchase's transaction (one round trip fewer per purchase, issue 14): the pending payment row is written only
 * when no checkout was made under the key. A replay answers the checkout as it was written (no read back); a key
 * used for another request is a userError, as existingCheckout's.
 */
export async function openedWithReplayCheck(
  ctx: Context,
  { customerId, idempotencyKey, requestHash, provider }: { customerId: string; idempotencyKey: string; requestHash: string; provider: PaymentProvider },
): Promise<ReplayOrPayment> {
  const payment = { ...newPayment(customerId, idempotencyKey), provider };
  const [row]: (CheckoutRow & { requestHash: string | null })[] = await preparedQuery(
    ctx.db,
    `WITH prior AS (
       SELECT id, customer_id, total, currency, created_at, request_hash FROM checkout WHERE customer_id = $1 AND idempotency_key = $2),
     opened AS (${openPaymentSql(
       { id: '$3', customerId: '$1', idempotencyKey: '$2', providerKey: '$4', provider: '$5', currency: '$6' },
       '(SELECT) one WHERE NOT EXISTS (SELECT FROM prior)',
     )})
     SELECT p.id, p.customer_id AS "customerId", p.total, p.currency, p.created_at AS "createdAt", p.request_hash AS "requestHash"
       FROM (SELECT) one LEFT JOIN prior p ON true`,
    [customerId, idempotencyKey, payment.id, payment.providerKey, provider.name, ctx.config.currency],
  );
  if (!row?.id) return { replayed: null, payment };
  replayedCheckout({ id: row.id, requestHash: row.requestHash! }, requestHash);
  const { requestHash: _hash, ...checkout } = row;
  return { replayed: checkout, payment: null };
}

/** The id of the checkout `row` made under a key (none: null), or a userError when it was made for another request. */
export function replayedCheckout(row: { id: string; requestHash: string } | undefined, hash: string): string | null {
  if (!row) return null;
  if (row.requestHash !== hash) {
    fail('idempotencyKey', 'This idempotency key was used for a different purchase; use a new key.', ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }
  return row.id;
}

/**
 * The listings bought, with what their orders and invoices show, and the invoices' parties (their sellers' and
 * the buyer's, in the same statement: one round trip fewer in the transaction). `lock`: locked in id order so
 * concurrent checkouts of overlapping carts can't deadlock; NO KEY UPDATE so inserts that merely reference a
 * listing (cart and order lines' foreign keys) don't wait for us. Without it, a plain read that the stock take
 * checks later (takeStockAsRead).
 */
async function readListings(
  { tx }: TxContext,
  customerId: string,
  ids: string[],
  lock: boolean,
): Promise<{ listings: Map<string, ListingForSale>; parties: InvoiceParties }> {
  const rows: (ListingForSale & InvoiceParty)[] = await preparedTxQuery(tx, listingsSql(opaqueParam('$1', 'uuid[]'), opaqueParam('$2', 'uuid'), lock), [ids, customerId]);
  return listingsOf(rows);
}

function listingsOf(rows: readonly (ListingForSale & InvoiceParty)[]): { listings: Map<string, ListingForSale>; parties: InvoiceParties } {
  return { listings: new Map(rows.map((r) => [r.id, r])), parties: invoicePartiesOf(rows) };
}

/** readListings' query over the listings of `ids` (an SQL uuid[] expression) for the customer of `customer`. */
function listingsSql(ids: string, customer: string, lock: boolean): string {
  // Product, variant and category in a LATERAL subquery that is planned apart (OFFSET 0), and the parameters
  // hidden from the planner (opaqueParam). As six joined tables a plan took 2.2 ms to make, and the generic plan
  // connections settled on hash-joined the whole product and variant tables (0.36 ms a purchase to run, 0.18 ms
  // now); this one's generic plan is driven by the listings' primary key, and is kept after five runs.
  return `SELECT l.id, l.seller_id AS "sellerId", l.product_id AS "productId", l.variant_id AS "variantId",
            p.category_id AS "categoryId", l.sku, l.price,
            l.currency, l.stock, p.title, p.variant_title AS "variantTitle", coalesce(p.tax_class, 'standard') AS "taxClass",
            ${listingVisibleSql({ listing: 'l', seller: 's', product: 'p' })} AS buyable,
            s.shipping_rate AS "shippingRate", s.free_shipping_threshold AS "freeShippingThreshold",
            s.name AS "sellerName", s.address->>'country' AS "sellerCountry", ${PARTY_COLUMNS}
       FROM listing l
       JOIN seller s ON s.id = l.seller_id
       JOIN customer c ON c.id = ${customer}
       CROSS JOIN LATERAL (
         SELECT p.category_id, p.title, p.status, v.title AS variant_title,
                (SELECT cat.tax_class FROM category cat WHERE cat.id = p.category_id) AS tax_class
           FROM product p JOIN product_variant v ON v.id = l.variant_id
          WHERE p.id = l.product_id OFFSET 0) p
      WHERE l.id = ANY(${ids})
      ORDER BY l.id
        ${lock ? 'FOR NO KEY UPDATE OF l' : ''}`;
}

/**
 * The listings' read (listingsSql, unlocked: an optimistic attempt's) as CTEs of the key's claim, over `ids` (an SQL
 * uuid[] expression, null when the key was not claimed): one round trip fewer inside the transaction (issue 14).
 * `column` answers the listings read as JSON and the ids they were read for (the caller uses them only when they
 * are the purchase's: a cart's lines read again after a wait are another set).
 */
function prefetchedListingsSql(ids: string): { ctes: string; columns: string } {
  return {
    ctes: `bought AS (SELECT ${ids} AS ids),
         for_sale AS (${listingsSql('(SELECT ids FROM bought)::uuid[]', opaqueParam('$1', 'uuid'), false)})`,
    columns: `(SELECT ids FROM bought) AS "listingIds", (SELECT coalesce(json_agg(f), '[]') FROM for_sale f) AS listings`,
  };
}

/** What the claim read of the listings (prefetchedListingsSql), if it read those of `lines`. */
function prefetchedFor(
  claim: { listingIds?: string[] | null; listings?: (ListingForSale & InvoiceParty)[] },
  lines: readonly PurchaseLine[],
): { listings: Map<string, ListingForSale>; parties: InvoiceParties } | null {
  if (!claim.listingIds || !claim.listings) return null;
  const read = new Set(claim.listingIds);
  if (read.size !== lines.length || !lines.every((l) => read.has(l.listingId))) return null;
  return listingsOf(claim.listings);
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

/** One seller's lines as the adjusters see them, inside the checkout transaction (where budgets are consumed). */
function adjustableGroup(customerId: string, codes: string[], sellerId: string, priced: Priced[], subtotal: number, shipping: number): AdjustableGroup {
  return {
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
  };
}

interface Priced {
  line: PurchaseLine;
  listing: ListingForSale;
  total: number;
}

/** One seller's order as checkout prices it, before it is written. */
interface OrderDraft extends NewOrder {
  priced: Priced[];
  adjusted: AdjustedGroup;
  tax: number;
}

/** Prices each seller's lines (sellers in id order, see below) and runs the adjusters over them, each adjuster over every seller's group at once. */
async function draftOrders(
  ctx: TxContext,
  customerId: string,
  purchase: Purchase,
  lines: PurchaseLine[],
  listings: Map<string, ListingForSale>,
  parties: InvoiceParties,
): Promise<{ orders: OrderDraft[]; warnings: AdjustmentWarning[] }> {
  const { shippingAddress } = purchase;
  const bySeller = new Map<string, PurchaseLine[]>();
  for (const line of lines) {
    const sellerId = listings.get(line.listingId)!.sellerId;
    bySeller.set(sellerId, [...(bySeller.get(sellerId) ?? []), line]);
  }
  const orders: OrderDraft[] = [];
  const warnings: AdjustmentWarning[] = [];
  // Seller order: invoice counters are then locked in the same order by every checkout (promotions lock
  // their rows of the whole purchase in promotion id order: promotion-adjuster.ts consume).
  const sellers = [...bySeller.keys()].sort().map((sellerId) => {
    const sellerLines = bySeller.get(sellerId)!;
    const first = listings.get(sellerLines[0]!.listingId)!;
    const priced: Priced[] = sellerLines.map((l) => {
      const listing = listings.get(l.listingId)!;
      return { line: l, listing, total: listing.price * l.quantity };
    });
    const subtotal = priced.reduce((sum, p) => sum + p.total, 0);
    const free = first.freeShippingThreshold != null && subtotal >= first.freeShippingThreshold;
    const shipping = free ? 0 : first.shippingRate;
    return { sellerId, first, priced, subtotal, shipping, group: adjustableGroup(customerId, purchase.codes, sellerId, priced, subtotal, shipping) };
  });
  // What the adjusters read for every seller at once (promotions, offers): one statement each, not one per seller.
  const prefetched = await prefetchAdjusters(ctx, ctx.adjusters, sellers.map((s) => s.group));
  // Every seller's group at once: an adjuster with adjustAll (promotions) reads, locks and consumes for the whole
  // purchase in a fixed number of statements, not per seller (issue 14).
  const adjustedGroups = await runAdjustersOver(ctx, ctx.adjusters, sellers.map((s) => s.group), prefetched);
  for (const [i, { sellerId, first, priced, subtotal, shipping }] of sellers.entries()) {
    const adjusted = adjustedGroups[i]!;
    warnings.push(...adjusted.warnings);
    const taxable = adjusted.adjustments.map((a) => ({ ...a, taxClass: (a.taxClass ?? null) as TaxClass | null }));
    // The invoice makes the same decision (invoice-issuing.ts) from the same rows, in this transaction.
    const buyerVatNumber = parties.get(sellerId)?.customerVatNumber ?? null;
    const reverseCharged = isReverseCharged({ sellerCountry: first.sellerCountry, buyerVatNumber, shipTo: shippingAddress.country });
    const tax = reverseCharged
      ? 0
      : orderTax(
          priced.map((p) => ({ total: p.total, taxClass: p.listing.taxClass })),
          shipping,
          shippingAddress.country,
          taxable,
        );
    orders.push({
      id: randomUUID(),
      sellerId,
      customerId,
      currency: first.currency,
      subtotal,
      shipping,
      total: adjusted.total,
      shippingAddress,
      lines: priced.map((p) => ({
        title: p.listing.title,
        variantTitle: p.listing.variantTitle,
        sku: p.listing.sku,
        quantity: p.line.quantity,
        unitPrice: p.listing.price,
        total: p.total,
        taxClass: p.listing.taxClass,
      })),
      // As order_adjustment stores them and orderAdjustments (invoices) reads them back.
      adjustments: adjusted.adjustments.map((a) => ({
        label: a.label,
        kind: a.kind,
        target: a.target,
        amount: a.amount,
        perLine: a.perLine,
        taxClass: a.kind === 'SURCHARGE' ? ((a.taxClass ?? 'standard') as TaxClass) : null,
      })),
      priced,
      adjusted,
      tax,
    });
  }
  return { orders, warnings };
}

/**
 * Writes the checkout's orders, their lines and adjustments, and the checkout's total in one statement
 * (data-modifying CTEs; the lines' foreign keys are checked at its end, when the orders exist): 3 + 3 per
 * seller statements before, each a round trip while the listings stay locked.
 */
async function writeOrders({ tx }: TxContext, checkoutId: string, cartId: string | null, orders: readonly OrderDraft[]): Promise<CompletedCart | null> {
  // A cart's checkout also empties and completes the cart in this statement (the carts module's CTEs, on the
  // cart id of $39): one round trip fewer per checkoutComplete, inside its transaction (issue 14).
  const cart = cartId === null ? null : completeCartSql('$39::uuid');
  const lines = orders.flatMap((o) => o.priced.map((p, position) => ({ o, p, position })));
  const adjustments = orders.flatMap((o) => o.adjusted.adjustments.map((a, position) => ({ o, a, position })));
  const written = await preparedTxQuery(
    tx,
    `WITH placed AS (
       INSERT INTO orders (id, checkout_id, seller_id, customer_id, state, currency, subtotal, shipping, discount, surcharge, tax, total, shipping_address, paid_at)
       SELECT x.id, $1, x.seller_id, x.customer_id, 'paid', x.currency, x.subtotal, x.shipping, x.discount, x.surcharge, x.tax, x.total, x.shipping_address, now()
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::jsonb[])
              AS x(id, seller_id, customer_id, currency, subtotal, shipping, discount, surcharge, tax, total, shipping_address)),
     lines AS (
       INSERT INTO order_line (order_id, listing_id, product_id, variant_id, title, variant_title, sku, quantity, unit_price, total, tax_class, position, discount, options)
       SELECT * FROM unnest($13::uuid[], $14::uuid[], $15::uuid[], $16::uuid[], $17::text[], $18::text[], $19::text[], $20::int[], $21::bigint[], $22::bigint[], $23::text[], $24::int[], $25::bigint[], $26::jsonb[])),
     adjustments AS (
       INSERT INTO order_adjustment (order_id, position, source, reference, label, kind, target, amount, line_position, per_line, tax_class)
       SELECT x.order_id, x.position, x.source, x.reference, x.label, x.kind, x.target, x.amount, x.line_position,
              ARRAY(SELECT jsonb_array_elements_text(x.per_line)::bigint), x.tax_class
         FROM unnest($27::uuid[], $28::int[], $29::text[], $30::text[], $31::text[], $32::text[], $33::text[], $34::bigint[], $35::int[], $36::jsonb[], $37::text[])
              AS x(order_id, position, source, reference, label, kind, target, amount, line_position, per_line, tax_class))${cart ? `,
     ${cart.ctes}` : ''}
     UPDATE checkout SET total = $38, cart_id = $39 WHERE id = $1${cart ? ` RETURNING ${cart.returning}` : ''}`,
    [
      checkoutId,
      orders.map((o) => o.id),
      orders.map((o) => o.sellerId),
      orders.map((o) => o.customerId),
      orders.map((o) => o.currency),
      orders.map((o) => o.subtotal),
      orders.map((o) => o.shipping),
      orders.map((o) => o.adjusted.discount),
      orders.map((o) => o.adjusted.surcharge),
      orders.map((o) => o.tax),
      orders.map((o) => o.total),
      orders.map((o) => JSON.stringify(o.shippingAddress)),
      lines.map((l) => l.o.id),
      lines.map((l) => l.p.listing.id),
      lines.map((l) => l.p.listing.productId),
      lines.map((l) => l.p.listing.variantId),
      lines.map((l) => l.p.listing.title),
      lines.map((l) => l.p.listing.variantTitle),
      lines.map((l) => l.p.listing.sku),
      lines.map((l) => l.p.line.quantity),
      lines.map((l) => l.p.listing.price),
      lines.map((l) => l.p.total),
      lines.map((l) => l.p.listing.taxClass),
      lines.map((l) => l.position),
      lines.map((l) => l.o.adjusted.lineDiscounts[l.position]!),
      lines.map((l) => JSON.stringify(l.p.line.options ?? {})),
      adjustments.map((x) => x.o.id),
      adjustments.map((x) => x.position),
      adjustments.map((x) => x.a.source),
      adjustments.map((x) => x.a.reference),
      adjustments.map((x) => x.a.label),
      adjustments.map((x) => x.a.kind),
      adjustments.map((x) => x.a.target),
      adjustments.map((x) => x.a.amount),
      adjustments.map((x) => (x.a.lineKey === null ? null : x.o.priced.findIndex((p) => p.listing.id === x.a.lineKey))),
      adjustments.map((x) => JSON.stringify(x.a.perLine)),
      adjustments.map((x) => (x.a.kind === 'SURCHARGE' ? (x.a.taxClass ?? 'standard') : null)),
      orders.reduce((sum, o) => sum + o.total, 0),
      cartId,
    ],
  );
  if (!cart) return null;
  // An UPDATE answers [rows, affected].
  const [rows] = written as unknown as [CompletedCart[], number];
  return rows[0] ?? { cartCompleted: 0, cartCustomerId: null };
}

/**
 * The orders as writeOrders stored them, in seller id order as ordersByCheckoutId reads them (draftOrders sorts
 * the sellers; lower-case hex uuids sort as PostgreSQL compares them). placed_at, paid_at and the checkout's
 * created_at are all the transaction's now(). The checkout's answer then needs no read of them after the
 * commit (issue 14: one statement fewer per checkoutComplete): the answer shows the orders as they were at the commit.
 */
function writtenOrders(checkoutId: string, createdAt: Date, orders: readonly OrderDraft[]): OrderRow[] {
  return orders.map((o) => ({
    id: o.id,
    checkoutId,
    sellerId: o.sellerId,
    customerId: o.customerId,
    state: OrderState.PAID,
    currency: o.currency,
    subtotal: o.subtotal,
    shipping: o.shipping,
    discount: o.adjusted.discount,
    tax: o.tax,
    total: o.total,
    shippingAddress: o.shippingAddress,
    carrier: null,
    trackingNumber: null,
    cancelReason: null,
    placedAt: createdAt,
    paidAt: createdAt,
    fulfilledAt: null,
    deliveredAt: null,
    cancelledAt: null,
  }));
}

/**
 * Turns lines into one checkout: one order per seller, one payment, one invoice per order, all in one
 * transaction. Stock is taken under row locks (never below zero); the idempotency key is claimed first,
 * so concurrent copies of a request wait for the first and then return its result. The payment is
 * authorized inside the transaction and captured only after it committed; an authorization whose
 * transaction failed is voided (payments/payment-ledger.ts has the steps, and what recovery does
 * when the process dies between two of them).
 *
 * Listings are locked as late as possible (issue 3): buyers of the same hot listings queue for their row
 * locks, so the time a checkout holds them decides throughput. The first attempt reads them without a lock,
 * prices and writes everything from that read, and takes the stock near the end with a statement that
 * changes nothing unless every listing is still as read (takeStockAsRead); if one is not (its price
 * changed, or a concurrent checkout took the last units), the attempt rolls back, its authorization is
 * voided, and the next attempt reads them again (and refuses cleanly when they sold out). The last attempt
 * locks the listings first, as checkout always did, so a listing that keeps changing cannot starve a buyer.
 * Rarely reaching it matters: it takes the listing locks before the promotions' (an optimistic attempt
 * after), so the two kinds running at once on the same listing and budgeted promotion could deadlock.
 */
export async function placeOrders(ctx: Context, req: PurchaseRequest): Promise<PlacedCheckout> {
  for (let attempt = 1; ; attempt++) {
    const optimistic = attempt < ATTEMPTS;
    try {
      return await attemptPurchase(ctx, req, optimistic, attempt === 1 ? (req.opened ?? null) : null);
    } catch (err) {
      if (!optimistic || !(err instanceof ListingsChanged)) throw err;
    }
  }
}

async function attemptPurchase(ctx: Context, req: PurchaseRequest, optimistic: boolean, opened: OpenPayment | null): Promise<PlacedCheckout> {
  // The callers answered a replay already (openedWithReplayCheck, or buyNow's oneClickDefaults, before validating
  // the payment method); a copy that commits after that is found when the key is claimed (KeyInUse below).
  const replay = () => existingCheckout(ctx, req.customerId, req.idempotencyKey, req.requestHash);
  const payment =
    opened ??
    (await openPayment(ctx, {
      customerId: req.customerId,
      idempotencyKey: req.idempotencyKey,
      provider: req.payment.provider,
      currency: ctx.config.currency,
    }));
  const known: { authorization: AuthorizationState } = { authorization: { state: 'not-asked' } };
  let placed: PlacedCheckout;
  try {
    // batchEvents: the purchase's events (orders', cart's, invoices') written in one statement at its end.
    placed = await withTransaction(ctx, (ctx) => batchEvents(ctx, async (ctx) => {
      const { tx } = ctx;
      // The payment attempt locked first (holdPaymentSql), then the key claimed, in one statement: a pending
      // payment claims, anything else fails before a checkout row is written. A cart's checkout locks and reads
      // the cart in it too, once the key is claimed (lockedCartSql's gate).
      // An optimistic attempt reads the listings in it too: the cart's (from its lines) or the ones asked for.
      // The parameters the listings' read sees hidden from the planner (opaqueParam, as readListings): a connection
      // keeps the generic plan after five runs instead of planning this statement on every purchase.
      const cart = req.cartId === undefined ? null : lockedCartSql(opaqueParam('$6', 'uuid'), 'EXISTS (SELECT FROM claimed)');
      const ids = !optimistic
        ? null
        : cart
          ? "(SELECT array_agg(DISTINCT (e->>'listingId')::uuid) FROM checkout_cart k, json_array_elements(k.lines) e)"
          : req.listingIds
            ? `CASE WHEN EXISTS (SELECT FROM claimed) THEN ${opaqueParam('$6', 'uuid[]')} END`
            : null;
      const listed = ids === null ? null : prefetchedListingsSql(ids);
      const [claim]: {
        status: string | null;
        id: string | null;
        createdAt: Date;
        checkoutCart?: LockedCart | null;
        listingIds?: string[] | null;
        listings?: (ListingForSale & InvoiceParty)[];
      }[] = await preparedTxQuery(
        tx,
        `WITH held AS (${holdPaymentSql('$5')}),
         claimed AS (
           INSERT INTO checkout (customer_id, idempotency_key, request_hash, total, currency)
           SELECT $1, $2, $3, 0, $4 FROM held WHERE held.status = 'pending'
           ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id, created_at)${cart ? `,
         ${cart.ctes}` : ''}${listed ? `,
         ${listed.ctes}` : ''}
         SELECT held.status, claimed.id, claimed.created_at AS "createdAt"${cart ? `, ${cart.column}` : ''}${listed ? `, ${listed.columns}` : ''}
           FROM (SELECT) one LEFT JOIN held ON true LEFT JOIN claimed ON true`,
        [
          req.customerId,
          req.idempotencyKey,
          req.requestHash,
          ctx.config.currency,
          payment.id,
          ...(cart ? [req.cartId] : listed ? [req.listingIds] : []),
        ],
      );
      checkHeld(claim?.status);
      if (!claim!.id) throw new KeyInUse();
      const { id: checkoutId, createdAt } = claim! as { id: string; createdAt: Date };
      const purchase = await req.prepare(ctx, claim!.checkoutCart ?? null);
      const lines = mergeLines(purchase.lines);
      const { listings, parties } =
        (optimistic ? prefetchedFor(claim!, lines) : null) ?? (await readListings(ctx, req.customerId, lines.map((l) => l.listingId), !optimistic));
      checkAvailability(lines, listings);
      if (!optimistic) await takeStock(ctx, lines);
      const { orders, warnings } = await draftOrders(ctx, req.customerId, purchase, lines, listings, parties);
      const total = orders.reduce((sum, o) => sum + o.total, 0);
      const completedCart = await writeOrders(ctx, checkoutId, purchase.cartId, orders);
      if (purchase.cartId !== null) await cartCompleted(ctx, purchase.cartId, completedCart!);
      if (optimistic) {
        const authorized = await authorizeAtProvider(ctx, payment, { token: req.payment.token, amount: total }, known);
        crashPoint(ctx.config, 'after-authorize');
        // The payment's booking as a CTE of the stock take: one round trip fewer inside the transaction (issue 14).
        const taken = await takeStockAsRead(
          ctx,
          lines.map((l) => {
            const listing = listings.get(l.listingId)!;
            return { listingId: l.listingId, quantity: l.quantity, price: listing.price, currency: listing.currency, sku: listing.sku };
          }),
          {
            sql: bookAuthorizationSql({ id: '$6', checkoutId: '$7', reference: '$8', amount: '$9' }),
            values: [payment.id, checkoutId, authorized.reference, total],
          },
        );
        if (!taken) throw new ListingsChanged();
      } else {
        await authorizePayment(ctx, payment, { token: req.payment.token, amount: total, checkoutId }, known);
        crashPoint(ctx.config, 'after-authorize');
      }
      await emitAll(
        ctx,
        orders.flatMap((o) => {
          const event = { orderId: o.id, sellerId: o.sellerId, customerId: req.customerId, total: o.total, currency: o.currency };
          return [
            { type: 'order.placed' as const, payload: { ...event, checkoutId } },
            { type: 'order.paid' as const, payload: { ...event, discountTotal: o.adjusted.discount } },
          ];
        }),
      );
      // Invoices last: each seller's gap-free counter stays locked until commit, so it is taken as
      // late as possible (after the payment and the events), keeping concurrent checkouts of a seller from queueing.
      await issueNewOrderInvoices(ctx, parties, orders);
      return {
        checkoutId,
        row: { id: checkoutId, customerId: req.customerId, total, currency: ctx.config.currency, createdAt },
        orders: writtenOrders(checkoutId, createdAt, orders),
        warnings,
      };
    }));
  } catch (err) {
    await releasePayment(ctx, payment, known.authorization);
    if (err instanceof KeyInUse) {
      const id = await replay();
      if (id) return { checkoutId: id, row: null, orders: null, warnings: [] };
    }
    throw err;
  }
  crashPoint(ctx.config, 'after-commit');
  await capturePayment(ctx, payment, known.authorization);
  return placed;
}
