import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createTokenIssuer } from '../src/auth/tokens';
import type { AddressData } from '../src/core/address';
import { requestHash } from '../src/modules/checkout/idempotency';
import { INVOICE_TIME_ZONE, invoicePrefix } from '../src/modules/invoices/invoice-numbering';
import { taxOrder, type TaxSplit } from '../src/modules/invoices/order-tax';
import { isReverseCharged, zeroRated } from '../src/modules/invoices/reverse-charge';
import { splitGross, type TaxClass } from '../src/modules/invoices/vat-rates';
import { createTestPaymentProvider } from '../src/modules/payments/test-provider';
import { childOptions, failToParent, serveParent } from './child-process';

/**
 * The purchase ceiling (issue 14): zoco's purchases (cartCreate, checkoutComplete of that cart, buyNow with the saved
 * card and address) by hand, as a skilled engineer would write them with the fewest round trips: node:http, JSON in
 * and out, `pg` with named (prepared) statements, no GraphQL, no ORM, no DI. The same rows on the same tables as
 * zoco writes (checkout, payment, orders, order_line, listing stock, invoice and invoice_counter, outbox, cart and
 * cart_line, the test provider's test_payment), so the background's work for the outbox events is the same too.
 * The business rules are zoco's own pure functions (VAT, reverse charge, the invoice prefix, the request hash, token
 * verification), so that the rows match; the invoice document is invoice-issuing.ts's invoiceDocument without
 * adjustments, by hand (that module brings type-graphql with it); only the plumbing is by hand.
 *
 * Round trips per purchase (each a statement, on one pooled connection unless said):
 * - cart: 1 (session check, listings read, cart, lines and both events in one autocommitted statement).
 * - checkout of a cart: 6 + 2 at the payment provider: (1) session check + replay check + pending payment, committed
 *   (the crash protocol of payments/payment-ledger.ts: a pending row before the provider is asked); (2) BEGIN;
 *   (3) payment locked + idempotency key claimed + cart locked + its lines + the listings, sellers, products,
 *   customer + whether any promotion or personal offer applies; then the provider's authorization; (4) stock taken
 *   as read (no oversell: `stock >= q`, price unchanged) + orders + lines + payment authorized + cart completed +
 *   checkout total + invoice counters + invoices + outbox events; (5) COMMIT; then the provider's capture; (6)
 *   payment captured.
 * - buyNow: the same, with the saved card and address read in (1) and no cart.
 *
 * Not implemented (refused with 409, never silently different): promotions and personal offers (the bench runs the
 * baseline with its promotions paused and its buyers have no offers), discount codes, plugins' line options; a copy
 * of a purchase that loses the key's claim to a concurrent one is refused (zoco answers it with the winner's checkout).
 */

export interface PurchaseBaselineOptions {
  databaseUrl: string;
  jwtSecret: string;
  currency: string;
  /** Whether purchases write their outbox events (false: the bare purchase, no background work follows it). */
  events: boolean;
}

export interface PurchaseBaselineInfo {
  url: string;
}

const SESSION = `SELECT c.id FROM customer c
   JOIN customer_session s ON s.id = $2 AND s.customer_id = c.id AND s.revoked_at IS NULL AND s.expires_at > now()
  WHERE c.id = $1 AND c.erased_at IS NULL AND c.token_version = $3`;

/** cartCreate: $1–$3 the session, $4 listing ids, $5 quantities, $6 currency, $7 whether to write events. */
const CART = `WITH viewer AS (${SESSION}),
  items AS (
    SELECT u.listing_id, u.quantity, u.n, l.price FROM unnest($4::uuid[], $5::int[]) WITH ORDINALITY AS u(listing_id, quantity, n)
      JOIN listing l ON l.id = u.listing_id JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id
     WHERE l.status = 'active' AND s.status = 'active' AND p.status = 'active' AND l.currency = $6),
  made AS (
    INSERT INTO cart AS c (customer_id, currency) SELECT id, $6 FROM viewer WHERE (SELECT count(*) FROM items) = cardinality($4::uuid[])
    ON CONFLICT (customer_id) WHERE status = 'active' AND customer_id IS NOT NULL DO NOTHING RETURNING c.id, c.customer_id),
  lines AS (
    INSERT INTO cart_line (cart_id, listing_id, quantity, price_at_add, options, created_at)
    SELECT m.id, i.listing_id, i.quantity, i.price, '{}', now() + (i.n - 1) * interval '1 microsecond' FROM made m, items i),
  events AS (
    INSERT INTO outbox (type, payload)
    SELECT e.type, e.payload FROM made m CROSS JOIN LATERAL (VALUES
      (1, 'cart.lines_added', jsonb_build_object('cartId', m.id, 'customerId', m.customer_id, 'listingIds', to_jsonb($4::uuid[]))),
      (2, 'cart.updated', jsonb_build_object('cartId', m.id, 'customerId', m.customer_id))) AS e(n, type, payload)
     WHERE $7::boolean ORDER BY e.n)
  SELECT (SELECT count(*)::int FROM viewer) AS viewer, (SELECT id FROM made) AS "cartId", (SELECT count(*)::int FROM items) AS items`;

/** Before a purchase's transaction: the session, the checkout already made with the key, and the attempt's pending payment. */
const OPEN = `WITH viewer AS (${SESSION}),
  earlier AS (SELECT id, request_hash FROM checkout WHERE customer_id = $1 AND idempotency_key = $4),
  opened AS (
    INSERT INTO payment (id, customer_id, idempotency_key, provider_key, provider, amount, currency, status)
    SELECT $5, v.id, $4, $6, 'test', 0, $7, 'pending' FROM viewer v WHERE NOT EXISTS (SELECT 1 FROM earlier) RETURNING id)
  SELECT (SELECT count(*)::int FROM viewer) AS viewer, e.id AS "earlierId", e.request_hash AS "earlierHash", (SELECT count(*)::int FROM opened) AS opened
    FROM (SELECT) one LEFT JOIN earlier e ON true`;

/** buyNow's: the same, with the default card and address (the payment opened only when both exist). */
const OPEN_ONE_CLICK = `WITH viewer AS (${SESSION}),
  earlier AS (SELECT id, request_hash FROM checkout WHERE customer_id = $1 AND idempotency_key = $4),
  method AS (SELECT provider, token FROM payment_method WHERE customer_id = $1 AND is_default),
  address AS (SELECT json_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city, 'region', a.region,
                'postalCode', a.postal_code, 'country', a.country, 'phone', a.phone) AS address
                FROM customer_address a WHERE a.customer_id = $1 AND a.is_default_shipping),
  opened AS (
    INSERT INTO payment (id, customer_id, idempotency_key, provider_key, provider, amount, currency, status)
    SELECT $5, v.id, $4, $6, m.provider, 0, $7, 'pending' FROM viewer v, method m, address a WHERE NOT EXISTS (SELECT 1 FROM earlier) RETURNING id)
  SELECT (SELECT count(*)::int FROM viewer) AS viewer, e.id AS "earlierId", e.request_hash AS "earlierHash", (SELECT count(*)::int FROM opened) AS opened,
         m.provider, m.token, a.address
    FROM (SELECT) one LEFT JOIN earlier e ON true LEFT JOIN method m ON true LEFT JOIN address a ON true`;

/** The columns of one purchased listing with its seller's, its product's and the customer's (the invoice's parties). */
const LISTING_COLUMNS = `l.id, l.seller_id AS "sellerId", l.product_id AS "productId", l.variant_id AS "variantId", l.sku, l.price, l.currency, l.stock,
     p.title, v.title AS "variantTitle", coalesce(cat.tax_class, 'standard') AS "taxClass",
     (l.status = 'active' AND s.status = 'active' AND p.status = 'active') AS buyable,
     s.shipping_rate AS "shippingRate", s.free_shipping_threshold AS "freeShippingThreshold", s.name AS "sellerName",
     s.address->>'country' AS "sellerCountry", s.slug AS "sellerSlug", s.invoice_prefix AS "invoicePrefix",
     coalesce(s.legal_name, s.name) AS "legalName", s.tax_id AS "taxId", s.address AS "sellerAddress",
     c.name AS "customerName", c.email AS "customerEmail", c.vat_number AS "customerVatNumber", c.locale AS "customerLocale"`;

const LISTING_JOINS = `JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id JOIN product_variant v ON v.id = l.variant_id
     LEFT JOIN category cat ON cat.id = p.category_id JOIN customer c ON c.id = $1`;

/** Whether anything could discount the purchase (live automatic promotions of its sellers, the customer's redeemed offers): the baseline refuses then. */
const DISCOUNTS = `(SELECT count(*)::int FROM promotion pr WHERE pr.seller_id IN (SELECT l.seller_id FROM listing l WHERE l.id = ANY(ids.ids)) AND pr.currency = $4
        AND pr.trigger = 'AUTOMATIC' AND pr.status = 'active' AND pr.starts_at <= now() AND (pr.ends_at IS NULL OR pr.ends_at > now()))
   + (SELECT count(*)::int FROM offer o WHERE o.customer_id = $1 AND o.state = 'REDEEMED' AND o.used_at IS NULL AND o.expires_at > now())`;

/**
 * First in the transaction, checkout of a cart: the payment held, the key claimed, the cart locked with its lines and
 * listings (read, not locked: the stock is taken as read at the end, as zoco's optimistic attempt does). One row per line.
 */
const CLAIM_CART = (lock: boolean) => `WITH held AS (SELECT status FROM payment WHERE id = $5 FOR NO KEY UPDATE),
  claimed AS (
    INSERT INTO checkout (customer_id, idempotency_key, request_hash, total, currency)
    SELECT $1, $2, $3, 0, $4 FROM held WHERE held.status = 'pending'
    ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id, created_at),
  cart AS (SELECT id, customer_id, status, codes FROM cart WHERE id = $6 FOR NO KEY UPDATE),
  lines AS (SELECT listing_id, quantity, options, created_at, id FROM cart_line WHERE cart_id = (SELECT id FROM cart WHERE customer_id = $1 AND status = 'active')),
  ids AS (SELECT array_agg(listing_id ORDER BY listing_id) AS ids FROM lines),
  listed AS (SELECT ${LISTING_COLUMNS} FROM listing l ${LISTING_JOINS} WHERE l.id IN (SELECT listing_id FROM lines) ORDER BY l.id ${lock ? 'FOR NO KEY UPDATE OF l' : ''})
  SELECT held.status AS held, claimed.id AS "checkoutId", claimed.created_at AS "createdAt", cart.customer_id AS "cartCustomerId",
         cart.status AS "cartStatus", cardinality(cart.codes) AS codes, ${DISCOUNTS} AS discounts,
         line.quantity, line.options, listed.*
    FROM (SELECT) one LEFT JOIN held ON true LEFT JOIN claimed ON true LEFT JOIN cart ON true, ids
    LEFT JOIN lines line ON true LEFT JOIN listed ON listed.id = line.listing_id
   ORDER BY line.created_at, line.id`;

/** buyNow's: the same for one listing ($6), no cart. */
const CLAIM_ONE = (lock: boolean) => `WITH held AS (SELECT status FROM payment WHERE id = $5 FOR NO KEY UPDATE),
  claimed AS (
    INSERT INTO checkout (customer_id, idempotency_key, request_hash, total, currency)
    SELECT $1, $2, $3, 0, $4 FROM held WHERE held.status = 'pending'
    ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id, created_at),
  ids AS (SELECT ARRAY[$6::uuid] AS ids),
  listed AS (SELECT ${LISTING_COLUMNS} FROM listing l ${LISTING_JOINS} WHERE l.id = $6 ${lock ? 'FOR NO KEY UPDATE OF l' : ''})
  SELECT held.status AS held, claimed.id AS "checkoutId", claimed.created_at AS "createdAt", ${DISCOUNTS} AS discounts, listed.*
    FROM (SELECT) one LEFT JOIN held ON true LEFT JOIN claimed ON true, ids LEFT JOIN listed ON true`;

/**
 * The purchase's every write, last in its transaction: the stock taken as read (never below zero, price and SKU
 * unchanged; fewer rows than lines: the caller rolls back), the orders with their lines, the payment authorized, the
 * cart completed and emptied, the checkout's total, each seller's next invoice number (counters locked in seller id
 * order) and the invoices, and the outbox events (the held ones, then one `invoice.issued` per invoice).
 */
const WRITE = `WITH taken AS (
    UPDATE listing l SET stock = l.stock - x.q, updated_at = now()
      FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[]) AS x(id, q, price, sku)
     WHERE l.id = x.id AND l.stock >= x.q AND l.price = x.price AND l.sku = x.sku AND l.currency = $38
       AND (SELECT l.status = 'active' AND s.status = 'active' AND p.status = 'active' FROM seller s, product p WHERE s.id = l.seller_id AND p.id = l.product_id)
    RETURNING l.id),
  placed AS (
    INSERT INTO orders (id, checkout_id, seller_id, customer_id, state, currency, subtotal, shipping, discount, surcharge, tax, total, shipping_address, paid_at)
    SELECT x.id, $5, x.seller_id, $6, 'paid', $38, x.subtotal, x.shipping, 0, 0, x.tax, x.total, $7::jsonb, now()
      FROM unnest($8::uuid[], $9::uuid[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[]) AS x(id, seller_id, subtotal, shipping, tax, total)),
  lines AS (
    INSERT INTO order_line (order_id, listing_id, product_id, variant_id, title, variant_title, sku, quantity, unit_price, total, tax_class, position, discount, options)
    SELECT x.order_id, x.listing_id, x.product_id, x.variant_id, x.title, x.variant_title, x.sku, x.quantity, x.unit_price, x.total, x.tax_class, x.position, 0, '{}'
      FROM unnest($14::uuid[], $15::uuid[], $16::uuid[], $17::uuid[], $18::text[], $19::text[], $20::text[], $21::int[], $22::bigint[], $23::bigint[], $24::text[], $25::int[])
           AS x(order_id, listing_id, product_id, variant_id, title, variant_title, sku, quantity, unit_price, total, tax_class, position)),
  paid AS (UPDATE payment SET status = 'authorized', checkout_id = $5, provider_ref = $26, amount = $27, updated_at = now() WHERE id = $28),
  emptied_cart AS (DELETE FROM cart_line WHERE cart_id = $29::uuid),
  completed_cart AS (UPDATE cart SET status = 'completed', updated_at = now() WHERE id = $29::uuid),
  totalled AS (UPDATE checkout SET total = $27, cart_id = $29::uuid WHERE id = $5),
  clock AS (SELECT clock_timestamp() AS at),
  numbered AS (
    INSERT INTO invoice_counter (seller_id, series, year, last_number)
    SELECT s.id, 'F', extract(year FROM clock.at AT TIME ZONE $30)::int, 1 FROM unnest($9::uuid[]) AS s(id), clock ORDER BY s.id
    ON CONFLICT (seller_id, series, year) DO UPDATE SET last_number = invoice_counter.last_number + 1
    RETURNING seller_id, year, last_number),
  issued AS (
    INSERT INTO invoice (id, seller_id, order_id, customer_id, kind, series, year, sequence, number, issued_at,
                         issuer, buyer, lines, currency, net, tax, gross, reverse_charge)
    SELECT x.id, x.seller_id, x.order_id, $6, 'invoice', 'F', n.year, n.last_number,
           x.prefix || '-' || n.year || '-' || lpad(n.last_number::text, greatest(6, length(n.last_number::text)), '0'), clock.at,
           x.issuer, x.buyer, x.lines, $38, x.net, x.tax, x.gross, x.reverse_charge
      FROM unnest($31::uuid[], $9::uuid[], $8::uuid[], $32::text[], $33::jsonb[], $34::jsonb[], $35::jsonb[], $36::bigint[], $12::bigint[], $13::bigint[], $37::boolean[])
           AS x(id, seller_id, order_id, prefix, issuer, buyer, lines, net, tax, gross, reverse_charge)
      JOIN numbered n ON n.seller_id = x.seller_id, clock
    RETURNING id, order_id, seller_id, number),
  events AS (
    INSERT INTO outbox (type, payload)
    SELECT e.type, e.payload FROM (
      SELECT 0 AS part, h.type, h.payload, h.n FROM unnest($39::text[], $40::jsonb[]) WITH ORDINALITY AS h(type, payload, n)
      UNION ALL
      SELECT 1, 'invoice.issued', jsonb_build_object('invoiceId', i.id, 'orderId', i.order_id, 'sellerId', i.seller_id, 'number', i.number), x.n
        FROM issued i JOIN unnest($31::uuid[]) WITH ORDINALITY AS x(id, n) ON x.id = i.id) e
     WHERE $41::boolean
     ORDER BY e.part, e.n)
  SELECT (SELECT count(*)::int FROM taken) AS taken, (SELECT count(*)::int FROM issued) AS invoices`;

interface ListingRow {
  id: string;
  sellerId: string;
  productId: string;
  variantId: string;
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
  sellerCountry: string | null;
  sellerSlug: string;
  invoicePrefix: string | null;
  legalName: string;
  taxId: string | null;
  sellerAddress: AddressData | null;
  customerName: string;
  customerEmail: string;
  customerVatNumber: string | null;
  customerLocale: string;
}

interface Line {
  listing: ListingRow;
  quantity: number;
}

interface OrderLine {
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
  taxClass: TaxClass;
}

/** One seller's order of a purchase, before it is written. */
interface Draft {
  id: string;
  sellerId: string;
  subtotal: number;
  shipping: number;
  tax: number;
  net: number;
  total: number;
  reverseCharge: boolean;
  invoiceLines: object[];
  lines: Line[];
}

/** An invoice line as invoice-issuing.ts lineData makes it. */
function invoiceLine(description: string, sku: string | null, quantity: number, unitPrice: number, split: TaxSplit) {
  const unitNetPrice = splitGross(unitPrice, split.rate).net;
  return { description, sku, quantity, unitPrice, unitNetPrice, vatRate: split.rate, net: split.net, tax: split.tax, gross: split.gross };
}

// The catalog names the one variant of a product without options "Default": nothing to add to the title.
const lineDescription = (l: OrderLine) => (l.variantTitle && l.variantTitle !== 'Default' ? `${l.title} (${l.variantTitle})` : l.title);

/** A refusal the client gets as `{ error: code }` (what zoco answers as a userError or a GraphQL error). */
class Refused extends Error {
  constructor(
    readonly code: string,
    readonly status = 409,
  ) {
    super(code);
  }
}

/** Thrown when the stock take found a listing changed or sold out after its read: the purchase is tried again, locking first. */
class ListingsChanged extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The uuid of a Relay global ID of `type` (base64url of `Type:uuid`), or null. */
function idOf(globalId: unknown, type: string): string | null {
  if (typeof globalId !== 'string' || globalId.length > 100) return null;
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const id = text.slice(type.length + 1);
  return text.startsWith(`${type}:`) && UUID.test(id) ? id : null;
}

/** The address as zoco stores it (its optional fields null), or a refusal; zoco's rules in short (core/address.ts). */
function addressOf(a: Record<string, unknown> | undefined): AddressData {
  const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim().length > 0 && v.length <= max ? v.trim() : null);
  const optional = (v: unknown, max: number) => (v == null ? null : text(v, max));
  const address = {
    name: text(a?.['name'], 200),
    line1: text(a?.['line1'], 200),
    line2: optional(a?.['line2'], 200),
    city: text(a?.['city'], 100),
    region: optional(a?.['region'], 100),
    postalCode: text(a?.['postalCode'], 20),
    country: typeof a?.['country'] === 'string' && /^[A-Z]{2}$/.test(a['country']) ? a['country'] : null,
    phone: optional(a?.['phone'], 40),
  };
  if (!address.name || !address.line1 || !address.city || !address.postalCode || !address.country) throw new Refused('INVALID_ADDRESS', 400);
  return address as AddressData;
}

const validKey = (key: unknown): key is string => typeof key === 'string' && /^[\x21-\x7e]{8,100}$/.test(key);

export interface PurchaseBaseline {
  /** http://127.0.0.1:port: POST /cart, /checkout, /buy-now. */
  url: string;
  /** Statements (round trips) sent so far on the baseline's own pool, the provider's not counted. */
  roundTrips(): number;
  /** Turns the outbox events on or off. */
  setEvents(on: boolean): void;
  /** Each statement's (by name) and provider call's calls and total wait since the last call, ms; then starts again. */
  takeTimings(): Record<string, { calls: number; ms: number }>;
  close(): Promise<void>;
}

/** The baseline's HTTP server on an ephemeral port of 127.0.0.1 (a child of bench:checkout, or in a test's process). */
export async function startPurchaseBaseline(options: PurchaseBaselineOptions): Promise<PurchaseBaseline> {
  const { currency } = options;
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  // The app's pool size (src/db/data-source.ts: 20), and the test provider as zoco makes it (its own pool of 8).
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 20, application_name: 'zoco-purchase-baseline' });
  const provider = createTestPaymentProvider({ databaseUrl: options.databaseUrl });
  const tokens = createTokenIssuer(options.jwtSecret);
  let events = options.events;
  let roundTrips = 0;
  // Each statement's and provider call's time as the server waits for it (run one purchase at a time: the database's work plus one round trip).
  const timings = new Map<string, { calls: number; ms: number }>();
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const t = timings.get(name) ?? { calls: 0, ms: 0 };
      t.calls++;
      t.ms += performance.now() - started;
      timings.set(name, t);
    }
  };
  const query = async <T>(client: pg.PoolClient | pg.Pool, name: string, text: string, values: unknown[]): Promise<T[]> => {
    roundTrips++;
    return timed(name, async () => (await client.query({ name, text, values })).rows as T[]);
  };
  const simple = async (client: pg.PoolClient, text: string) => {
    roundTrips++;
    await timed(text, () => client.query(text));
  };

  /** The bearer's claims once its session is checked (in the caller's first statement), or a refusal. */
  async function viewerOf(req: IncomingMessage): Promise<{ customerId: string; sessionId: string; version: number }> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const claims = match ? await tokens.verifyCustomerToken(match[1]!) : null;
    if (!claims) throw new Refused('UNAUTHENTICATED', 401);
    return claims;
  }

  async function cartCreate(req: IncomingMessage, input: { lines?: { listingId: unknown; quantity: unknown }[] }) {
    const viewer = await viewerOf(req);
    const lines = input.lines ?? [];
    const ids = lines.map((l) => idOf(l.listingId, 'Listing'));
    const quantities = lines.map((l) => l.quantity);
    if (!lines.length || lines.length > 100 || ids.some((id) => !id) || quantities.some((q) => !Number.isSafeInteger(q) || (q as number) < 1 || (q as number) > 999)) {
      throw new Refused('INVALID', 400);
    }
    if (new Set(ids).size !== ids.length) throw new Refused('DUPLICATE_LINES', 400);
    const [row] = await query<{ viewer: number; cartId: string | null; items: number }>(pool, 'baseline-cart', CART, [
      viewer.customerId,
      viewer.sessionId,
      viewer.version,
      ids,
      quantities,
      currency,
      events,
    ]);
    if (!row!.viewer) throw new Refused('UNAUTHENTICATED', 401);
    if (row!.items !== ids.length) throw new Refused('LISTING_UNAVAILABLE');
    if (!row!.cartId) throw new Refused('ACTIVE_CART_EXISTS');
    return { cartId: Buffer.from(`Cart:${row!.cartId}`).toString('base64url') };
  }

  /**
   * One purchase: the pending payment (already opened by the caller's first statement), then the transaction. `claim`
   * runs its first statement and answers the lines bought (or a refusal). Optimistic first (listings read, the stock
   * taken as read at the end); if a listing changed in between, once more with the listings locked, as zoco does.
   */
  async function purchase(
    customerId: string,
    key: string,
    paymentId: string,
    providerKey: string,
    token: string,
    cartId: string | null,
    shippingAddress: AddressData,
    claim: (client: pg.PoolClient, paymentId: string, lock: boolean) => Promise<{ checkoutId: string; lines: Line[] }>,
  ): Promise<{ checkoutId: string; orderIds: string[] }> {
    for (let attempt = 1; ; attempt++) {
      const lock = attempt > 1;
      if (lock) {
        // A new attempt at the provider, as zoco's openPayment makes for each attempt.
        paymentId = randomUUID();
        providerKey = `checkout_${createHash('sha256').update(`${customerId}:${key}`).digest('hex').slice(0, 40)}_${paymentId.replaceAll('-', '')}`;
        await query(pool, 'baseline-payment-open', `INSERT INTO payment (id, customer_id, idempotency_key, provider_key, provider, amount, currency, status)
          VALUES ($1, $2, $3, $4, 'test', 0, $5, 'pending')`, [paymentId, customerId, key, providerKey, currency]);
      }
      let authorization: { reference: string; amount: number } | null = null;
      const client = await pool.connect();
      let placed: { checkoutId: string; orderIds: string[] };
      try {
        await simple(client, 'BEGIN');
        const { checkoutId, lines } = await claim(client, paymentId, lock);
        const drafts = draft(lines, shippingAddress);
        const total = drafts.reduce((sum, o) => sum + o.total, 0);
        const result = await timed('provider authorize', () => provider.authorize({ token, amount: total, currency, idempotencyKey: providerKey }));
        if (!result.ok) throw new Refused(result.code);
        authorization = { reference: result.reference, amount: total };
        const [written] = await query<{ taken: number; invoices: number }>(client, 'baseline-write', WRITE, writeParameters(checkoutId, customerId, cartId, shippingAddress, drafts, lines, paymentId, authorization));
        if (written!.taken !== new Set(lines.map((l) => l.listing.id)).size) throw new ListingsChanged();
        await simple(client, 'COMMIT');
        placed = { checkoutId, orderIds: drafts.map((d) => d.id) };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        // As zoco's releasePayment: void what was authorized, and settle the attempt's row.
        if (authorization) await provider.void(authorization.reference, `${providerKey}_void`).catch(() => undefined);
        await pool.query(`UPDATE payment SET status = $2, provider_ref = coalesce(provider_ref, $3), updated_at = now() WHERE id = $1 AND status = 'pending'`, [
          paymentId,
          authorization ? 'voided' : 'failed',
          authorization?.reference ?? null,
        ]);
        if (err instanceof ListingsChanged && attempt < 2) continue;
        if (err instanceof ListingsChanged) throw new Refused('INSUFFICIENT_STOCK');
        throw err;
      }
      client.release();
      // After the commit, as zoco's capturePayment: a failure leaves the row authorized for the recovery sweep.
      try {
        await timed('provider capture', () => provider.capture(authorization!.reference, authorization!.amount, `${providerKey}_capture`));
        await query(pool, 'baseline-captured', `UPDATE payment SET status = 'captured', updated_at = now() WHERE id = $1 AND status = 'authorized'`, [paymentId]);
      } catch {
        // The recovery sweep captures it.
      }
      return placed;
    }
  }

  /** One order per seller (sellers in id order, as zoco's), priced, shipped and taxed as zoco's checkout does, with its invoice's lines. */
  function draft(lines: Line[], shippingAddress: AddressData): Draft[] {
    const bySeller = new Map<string, Line[]>();
    for (const line of lines) bySeller.set(line.listing.sellerId, [...(bySeller.get(line.listing.sellerId) ?? []), line]);
    return [...bySeller.keys()].sort().map((sellerId) => {
      const sellerLines = bySeller.get(sellerId)!;
      const first = sellerLines[0]!.listing;
      const orderLines = sellerLines.map(({ listing, quantity }) => ({
        title: listing.title,
        variantTitle: listing.variantTitle,
        sku: listing.sku,
        quantity,
        unitPrice: listing.price,
        total: listing.price * quantity,
        taxClass: listing.taxClass,
      }));
      const subtotal = orderLines.reduce((sum, l) => sum + l.total, 0);
      const shipping = first.freeShippingThreshold != null && subtotal >= first.freeShippingThreshold ? 0 : first.shippingRate;
      const reverseCharge = isReverseCharged({ sellerCountry: first.sellerCountry, buyerVatNumber: first.customerVatNumber, shipTo: shippingAddress.country });
      const taxed = taxOrder(orderLines, shipping, shippingAddress.country, []);
      const taxes = reverseCharge ? zeroRated(taxed) : taxed;
      // The invoice's lines (invoice-issuing.ts invoiceDocument): each order line, then the shipping.
      const invoiceLines = orderLines.map((l, i) => invoiceLine(lineDescription(l), l.sku, l.quantity, l.unitPrice, taxes.lines[i]!));
      if (taxes.shipping) invoiceLines.push(invoiceLine('Shipping', null, 1, taxes.shipping.gross, taxes.shipping));
      return {
        id: randomUUID(),
        sellerId,
        subtotal,
        shipping,
        tax: taxes.tax,
        net: taxes.net,
        total: subtotal + shipping,
        reverseCharge,
        invoiceLines,
        lines: sellerLines,
      };
    });
  }

  function writeParameters(
    checkoutId: string,
    customerId: string,
    cartId: string | null,
    shippingAddress: AddressData,
    drafts: Draft[],
    lines: Line[],
    paymentId: string,
    authorization: { reference: string; amount: number },
  ): unknown[] {
    // The stock taken in listing id order: concurrent purchases of overlapping carts lock them in one order.
    const taken = [...lines].sort((a, b) => (a.listing.id < b.listing.id ? -1 : 1));
    const orderLines = drafts.flatMap((d) => d.lines.map((l, position) => ({ d, l, position })));
    // The invoices' parties as invoice-issuing.ts toOrderToInvoice makes them (RD 1619/2012, art. 6.1.c–e).
    const invoices = drafts.map((d) => {
      const first = d.lines[0]!.listing;
      return {
        id: randomUUID(),
        prefix: invoicePrefix({ slug: first.sellerSlug, invoicePrefix: first.invoicePrefix }),
        issuer: { legalName: first.legalName, taxId: first.taxId, address: first.sellerAddress },
        buyer: { name: first.customerName, email: first.customerEmail, address: shippingAddress, vatNumber: first.customerVatNumber, locale: first.customerLocale },
        d,
      };
    });
    const held = [
      ...(cartId ? [{ type: 'cart.updated', payload: { cartId, customerId } }] : []),
      ...drafts.flatMap((d) => {
        const event = { orderId: d.id, sellerId: d.sellerId, customerId, total: d.total, currency };
        return [
          { type: 'order.placed', payload: { ...event, checkoutId } },
          { type: 'order.paid', payload: { ...event, discountTotal: 0 } },
        ];
      }),
    ];
    return [
      taken.map((l) => l.listing.id),
      taken.map((l) => l.quantity),
      taken.map((l) => l.listing.price),
      taken.map((l) => l.listing.sku),
      checkoutId,
      customerId,
      JSON.stringify(shippingAddress),
      drafts.map((d) => d.id),
      drafts.map((d) => d.sellerId),
      drafts.map((d) => d.subtotal),
      drafts.map((d) => d.shipping),
      drafts.map((d) => d.tax),
      drafts.map((d) => d.total),
      orderLines.map((x) => x.d.id),
      orderLines.map((x) => x.l.listing.id),
      orderLines.map((x) => x.l.listing.productId),
      orderLines.map((x) => x.l.listing.variantId),
      orderLines.map((x) => x.l.listing.title),
      orderLines.map((x) => x.l.listing.variantTitle),
      orderLines.map((x) => x.l.listing.sku),
      orderLines.map((x) => x.l.quantity),
      orderLines.map((x) => x.l.listing.price),
      orderLines.map((x) => x.l.listing.price * x.l.quantity),
      orderLines.map((x) => x.l.listing.taxClass),
      orderLines.map((x) => x.position),
      authorization.reference,
      authorization.amount,
      paymentId,
      cartId,
      INVOICE_TIME_ZONE,
      invoices.map((x) => x.id),
      invoices.map((x) => x.prefix),
      invoices.map((x) => JSON.stringify(x.issuer)),
      invoices.map((x) => JSON.stringify(x.buyer)),
      invoices.map((x) => JSON.stringify(x.d.invoiceLines)),
      invoices.map((x) => x.d.net),
      invoices.map((x) => x.d.reverseCharge),
      currency,
      held.map((e) => e.type),
      held.map((e) => JSON.stringify(e.payload)),
      events,
    ];
  }

  /** The lines a claim read, or a refusal for what zoco refuses (unavailable, no seller address, too little stock). */
  function linesOf(rows: (ListingRow & { quantity: number; held: string | null; checkoutId: string | null; discounts: number })[]): Line[] {
    const first = rows[0]!;
    if (first.held !== 'pending') throw new Refused('PAYMENT_FAILED');
    if (!first.checkoutId) throw new Refused('IDEMPOTENCY_KEY_IN_USE');
    if (first.discounts > 0) throw new Refused('DISCOUNTS_NOT_IMPLEMENTED');
    return rows.map((r) => {
      if (!r.id || !r.buyable) throw new Refused('LISTING_UNAVAILABLE');
      if (!r.sellerCountry) throw new Refused('SELLER_ADDRESS_MISSING');
      if (r.stock < r.quantity) throw new Refused('INSUFFICIENT_STOCK');
      return { listing: r, quantity: r.quantity };
    });
  }

  /** Opens the attempt (OPEN or OPEN_ONE_CLICK) and answers the replayed checkout, if the key was used before. */
  async function open<R extends { viewer: number; earlierId: string | null; earlierHash: string | null; opened: number }>(
    name: string,
    text: string,
    viewer: { customerId: string; sessionId: string; version: number },
    key: string,
    hash: string,
  ) {
    const paymentId = randomUUID();
    const providerKey = `checkout_${createHash('sha256').update(`${viewer.customerId}:${key}`).digest('hex').slice(0, 40)}_${paymentId.replaceAll('-', '')}`;
    const [row] = await query<R>(pool, name, text, [viewer.customerId, viewer.sessionId, viewer.version, key, paymentId, providerKey, currency]);
    if (!row!.viewer) throw new Refused('UNAUTHENTICATED', 401);
    if (row!.earlierId && row!.earlierHash !== hash) throw new Refused('IDEMPOTENCY_KEY_REUSED');
    return { row: row!, paymentId, providerKey };
  }

  async function checkoutComplete(
    req: IncomingMessage,
    input: { cartId?: unknown; paymentToken?: unknown; idempotencyKey?: unknown; shippingAddress?: Record<string, unknown> },
  ) {
    const viewer = await viewerOf(req);
    const cartId = idOf(input.cartId, 'Cart');
    if (!validKey(input.idempotencyKey) || !cartId || typeof input.paymentToken !== 'string') throw new Refused('INVALID', 400);
    const shippingAddress = addressOf(input.shippingAddress);
    const { idempotencyKey: key, ...request } = input;
    const hash = requestHash(request);
    const { row, paymentId, providerKey } = await open('baseline-open', OPEN, viewer, key, hash);
    if (row.earlierId) return { checkoutId: row.earlierId, replayed: true };
    return purchase(viewer.customerId, key, paymentId, providerKey, input.paymentToken, cartId, shippingAddress, async (client, paymentId, lock) => {
      const rows = await query<ListingRow & { quantity: number; held: string | null; checkoutId: string | null; discounts: number; cartCustomerId: string | null; cartStatus: string | null; codes: number }>(
        client,
        lock ? 'baseline-claim-cart-locked' : 'baseline-claim-cart',
        CLAIM_CART(lock),
        [viewer.customerId, key, hash, currency, paymentId, cartId],
      );
      const first = rows[0]!;
      if (first.cartCustomerId !== viewer.customerId) throw new Refused('CART_NOT_FOUND');
      if (first.cartStatus !== 'active') throw new Refused('INVALID_STATE');
      if (first.codes) throw new Refused('DISCOUNTS_NOT_IMPLEMENTED');
      if (!first.id && rows.length === 1) throw new Refused('CART_EMPTY');
      return { checkoutId: first.checkoutId!, lines: linesOf(rows) };
    });
  }

  async function buyNow(req: IncomingMessage, input: { listingId?: unknown; quantity?: unknown; idempotencyKey?: unknown }) {
    const viewer = await viewerOf(req);
    const listingId = idOf(input.listingId, 'Listing');
    const quantity = input.quantity ?? 1;
    if (!validKey(input.idempotencyKey) || !listingId || !Number.isSafeInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 999) {
      throw new Refused('INVALID', 400);
    }
    const key = input.idempotencyKey;
    const hash = requestHash({ listingId, quantity });
    const { row, paymentId, providerKey } = await open<{
      viewer: number;
      earlierId: string | null;
      earlierHash: string | null;
      opened: number;
      provider: string | null;
      token: string;
      address: AddressData | null;
    }>('baseline-open-one-click', OPEN_ONE_CLICK, viewer, key, hash);
    if (row.earlierId) return { checkoutId: row.earlierId, replayed: true };
    if (!row.provider) throw new Refused('NO_DEFAULT_PAYMENT_METHOD');
    if (!row.address) throw new Refused('NO_DEFAULT_ADDRESS');
    if (row.provider !== 'test') throw new Refused('UNKNOWN_PROVIDER');
    return purchase(viewer.customerId, key, paymentId, providerKey, row.token, null, row.address, async (client, paymentId, lock) => {
      const rows = await query<ListingRow & { held: string | null; checkoutId: string | null; discounts: number }>(
        client,
        lock ? 'baseline-claim-one-locked' : 'baseline-claim-one',
        CLAIM_ONE(lock),
        [viewer.customerId, key, hash, currency, paymentId, listingId],
      );
      return { checkoutId: rows[0]!.checkoutId!, lines: linesOf(rows.map((r) => ({ ...r, quantity: quantity as number }))) };
    });
  }

  const routes: Record<string, (req: IncomingMessage, input: any) => Promise<object>> = {
    '/cart': cartCreate,
    '/checkout': checkoutComplete,
    '/buy-now': buyNow,
  };
  const server = createServer(async (req, res) => {
    try {
      const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
      if (!route) return send(res, 404, '{"error":"NOT_FOUND"}');
      send(res, 200, JSON.stringify(await route(req, JSON.parse(await readBody(req)))));
    } catch (err) {
      if (err instanceof Refused) send(res, err.status, JSON.stringify({ error: err.code }));
      else send(res, 500, JSON.stringify({ error: 'INTERNAL', message: String(err) }));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    roundTrips: () => roundTrips,
    setEvents(on) {
      events = on;
    },
    takeTimings() {
      const taken = Object.fromEntries(timings);
      timings.clear();
      return taken;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await provider.close?.();
      await pool.end();
    },
  };
}

async function main(): Promise<void> {
  const baseline = await startPurchaseBaseline(childOptions<PurchaseBaselineOptions>());
  serveParent(
    { url: baseline.url } satisfies PurchaseBaselineInfo,
    {
      roundTrips: () => baseline.roundTrips(),
      timings: () => baseline.takeTimings(),
      /** `{ events: boolean }`: with or without the outbox events. */
      events: (arg: unknown) => baseline.setEvents((arg as { events: boolean }).events),
    },
    () => baseline.close(),
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// Run as bench:checkout's child; imported (a test), it only exports.
if (require.main === module) main().catch(failToParent);
