import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { validateAddress, type AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { idOf, requireIdOf } from '../../core/global-id';
import { UserErrors, fail, userError, type UserError } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { mergeLineOptions } from '../../core/line-options';
import { batchEvents, emit, recordEventsSql, takeHeldEvents } from '../../events/outbox';
import { preparedTxQuery } from '../../db/prepared-query';
import type { Listing } from '../catalog/listing.type';
import { ownAddress } from '../customers';
import { MAX_LINES, MAX_QUANTITY } from './cart-limits';
import { canUseCart, lockCart, requireShopper } from './cart-access';
import { forgetCart } from './cart.loaders';
import { createFreshCart } from './cart-create';
import { forSale } from './cart-totals';
import { CART_COLUMNS, IN_INPUT_ORDER, toCart, type CartRow } from './cart.rows';
import type { Cart, CartLine } from './cart.type';
import type {
  CartBuyerIdentityUpdateInput,
  CartCreateInput,
  CartLineInput,
  CartLinesAddInput,
  CartLinesRemoveInput,
  CartLinesUpdateInput,
} from './cart.inputs';

interface NewLine {
  listingUuid: string;
  quantity: number;
  /** Plugin options as given (validated with the listing's seller in wantedLines). */
  options?: Record<string, unknown>;
  /** Position in input.lines, for the userError's field. */
  index: number;
}

/** A cart the viewer may read: null when unknown, someone else's, or no longer active. */
export async function findCart(ctx: Context, uuid: string): Promise<Cart | null> {
  const cart = await ctx.loaders.cartById.load(uuid);
  return cart && cart.status === 'active' && canUseCart(ctx.viewer, cart) ? cart : null;
}

export function cartByGlobalId(ctx: Context, globalId: string): Promise<Cart | null> {
  requireShopper(ctx.viewer);
  return findCart(ctx, requireIdOf(globalId, 'Cart'));
}

export async function findCartLine(ctx: Context, uuid: string): Promise<CartLine | null> {
  const line = await ctx.loaders.cartLineById.load(uuid);
  return line && (await findCart(ctx, line.cartUuid)) ? line : null;
}

/** A customer's active cart, for `Customer.cart`: only that customer sees it. */
export async function activeCartOf(ctx: Context, customerUuid: string): Promise<Cart | null> {
  if (ctx.viewer.kind !== 'customer' || ctx.viewer.customerId !== customerUuid) return null;
  return ctx.loaders.activeCartByCustomerId.load(customerUuid);
}

export function cartLines(ctx: Context, cart: Cart): Promise<CartLine[]> {
  return ctx.loaders.cartLinesByCartId.load(cart.uuid);
}

/**
 * One cart change in one transaction: `open` finds and locks the cart, `change` writes (and may emit events
 * of its own), `cart.updated` is recorded, then the cart is touched, its lines counted against the limit and
 * the events written, all in one statement (two round trips fewer for each add, issue 14). The row lock serialises changes to a cart, which keeps the line limit exact under concurrency.
 */
async function changeCart(
  ctx: Context,
  open: (ctx: TxContext) => Promise<Cart>,
  change: (ctx: TxContext, cart: Cart) => Promise<void>,
): Promise<{ cart: Cart }> {
  const cart = await withTransaction(ctx, (tx) => batchEvents(tx, async (ctx) => {
    const locked = await open(ctx);
    await change(ctx, locked);
    // cart.updated is recorded before the touch (no change alters the cart's customer), so that the touch's
    // statement writes it with the change's events (takeHeldEvents): one round trip fewer per cart change.
    await emit(ctx, 'cart.updated', { cartId: locked.uuid, customerId: locked.customerUuid });
    const held = takeHeldEvents(ctx);
    const [rows]: [(CartRow & { lineCount: number })[], number] = await preparedTxQuery(
      ctx.tx,
      `WITH events AS (${recordEventsSql('$2', '$3', 'SELECT NULL::text AS type, NULL::jsonb AS payload, 0::bigint AS n WHERE false')})
       UPDATE cart c SET updated_at = now() WHERE c.id = $1
       RETURNING ${CART_COLUMNS}, (SELECT count(*)::int FROM cart_line l WHERE l.cart_id = c.id) AS "lineCount"`,
      [locked.uuid, held.types, held.payloads],
    );
    // Only adds can pass the limit; a change that did is rolled back whole (its events with it).
    if (rows[0]!.lineCount > MAX_LINES) fail(['input', 'lines'], `A cart holds at most ${MAX_LINES} different listings.`, ErrorCode.LIMIT_EXCEEDED);
    return toCart(rows[0]!);
  }));
  forgetCart(ctx.loaders, cart);
  return { cart };
}

function lockInput(cartId: string) {
  return (ctx: TxContext) => lockCart(ctx, cartId, ['input', 'cartId']);
}

/** A customer has at most one active cart (cart_active_customer_idx): theirs, or a new one. */
async function openCustomerCart({ tx }: TxContext, customerUuid: string, currency: string): Promise<Cart> {
  const inserted: CartRow[] = await preparedTxQuery(
    tx,
    `INSERT INTO cart AS c (customer_id, currency) VALUES ($1, $2)
       ON CONFLICT (customer_id) WHERE status = 'active' AND customer_id IS NOT NULL DO NOTHING
     RETURNING ${CART_COLUMNS}`,
    [customerUuid, currency],
  );
  if (inserted[0]) return toCart(inserted[0]);
  const rows: CartRow[] = await preparedTxQuery(
    tx,
    `SELECT ${CART_COLUMNS} FROM cart c WHERE c.customer_id = $1 AND c.status = 'active' FOR NO KEY UPDATE`,
    [customerUuid],
  );
  return toCart(rows[0]!);
}

async function openGuestCart({ tx }: TxContext, currency: string): Promise<Cart> {
  const rows: CartRow[] = await tx.query(`INSERT INTO cart AS c (currency) VALUES ($1) RETURNING ${CART_COLUMNS}`, [currency]);
  return toCart(rows[0]!);
}

function validateNewLines(lines: CartLineInput[]): NewLine[] {
  const v = new Validator();
  v.check(lines.length <= MAX_LINES, 'lines', `Give at most ${MAX_LINES} lines.`, ErrorCode.LIMIT_EXCEEDED);
  const parsed = lines.map((line, index) => {
    const listingUuid = idOf(line.listingId, 'Listing');
    v.check(listingUuid !== null, `lines.${index}.listingId`, 'Not a valid Listing ID.', ErrorCode.INVALID_ID);
    v.int(`lines.${index}.quantity`, line.quantity, { min: 1, max: MAX_QUANTITY });
    return { listingUuid: listingUuid ?? '', quantity: line.quantity, index, options: line.options };
  });
  v.done();
  return parsed;
}

/** The buying rule (cart-totals.ts forSale), the visibility read with the listing (listingVisibilityById: one statement, not three). */
async function listingForSale(ctx: Context, uuid: string, currency: string): Promise<Listing | null> {
  const read = await ctx.loaders.listingVisibilityById.load(uuid);
  return read && forSale(read.listing, read.visible, currency) ? read.listing : null;
}

interface WantedLine extends NewLine {
  price: number;
  options: Record<string, unknown>;
}

/**
 * Checks that every listing is for sale and sums repeated listings. It reads through the loaders, so it runs
 * before the transaction: a transaction must never wait for a second pool connection.
 */
async function wantedLines(ctx: Context, lines: NewLine[]): Promise<WantedLine[]> {
  const listings = await Promise.all(lines.map((line) => listingForSale(ctx, line.listingUuid, ctx.config.currency)));
  const errors: UserError[] = [];
  const byListing = new Map<string, WantedLine>();
  const options = await Promise.all(
    lines.map((line, i) =>
      line.options && listings[i]
        ? ctx.lineOptions(ctx, listings[i]!.sellerUuid, line.options, ['input', 'lines', String(line.index), 'options']).then(
            (parsed) => mergeLineOptions({}, parsed),
            (err: unknown) => {
              if (!(err instanceof UserErrors)) throw err;
              errors.push(...err.errors);
              return {};
            },
          )
        : {},
    ),
  );
  for (const [i, line] of lines.entries()) {
    const listing = listings[i];
    if (!listing) {
      errors.push(userError(['input', 'lines', String(line.index), 'listingId'], 'Listing not found or no longer for sale.', ErrorCode.NOT_FOUND));
      continue;
    }
    const same = byListing.get(line.listingUuid);
    if (same) {
      same.quantity += line.quantity;
      same.options = { ...same.options, ...options[i] };
    } else byListing.set(line.listingUuid, { ...line, price: listing.price.amount, options: options[i]! });
  }
  for (const line of byListing.values()) if (line.quantity > MAX_QUANTITY) errors.push(tooMany(line));
  if (errors.length) throw new UserErrors(errors);
  return [...byListing.values()];
}

function tooMany(line: NewLine): UserError {
  return userError(['input', 'lines', String(line.index), 'quantity'], `At most ${MAX_QUANTITY} of one listing per cart.`, ErrorCode.INVALID);
}

/**
 * Adds lines; a listing already in the cart gets the quantities added. One upsert does it, so concurrent
 * adds of the same listing never lose an update even without the cart lock. `price_at_add` is set only
 * when the line is first inserted.
 */
async function addLines(ctx: TxContext, cart: Cart, wanted: WantedLine[]): Promise<void> {
  if (!wanted.length) return;
  const { tx } = ctx;
  const upserted: { listingId: string }[] = await preparedTxQuery(
    tx,
    `INSERT INTO cart_line (cart_id, listing_id, quantity, price_at_add, options, created_at)
     SELECT $1, u.listing_id, u.quantity, u.price, u.options, ${IN_INPUT_ORDER}
       FROM unnest($2::uuid[], $3::int[], $4::bigint[], $6::jsonb[]) WITH ORDINALITY AS u(listing_id, quantity, price, options, n)
     ON CONFLICT (cart_id, listing_id) DO UPDATE
       SET quantity = cart_line.quantity + EXCLUDED.quantity, options = cart_line.options || EXCLUDED.options, updated_at = now()
       WHERE cart_line.quantity + EXCLUDED.quantity <= $5
     RETURNING listing_id AS "listingId"`,
    [
      cart.uuid,
      wanted.map((l) => l.listingUuid),
      wanted.map((l) => l.quantity),
      wanted.map((l) => l.price),
      MAX_QUANTITY,
      wanted.map((l) => JSON.stringify(l.options)),
    ],
  );
  const done = new Set(upserted.map((r) => r.listingId));
  const over = wanted.filter((l) => !done.has(l.listingUuid));
  if (over.length) throw new UserErrors(over.map(tooMany));
  // The line limit is checked by changeCart, once the cart is touched; the event is written by its touch, with its cart.updated.
  await emit(ctx, 'cart.lines_added', { cartId: cart.uuid, customerId: cart.customerUuid, listingIds: wanted.map((l) => l.listingUuid) });
}

/** A guest gets a new cart; a signed-in customer their active cart (created when they have none). */
export async function createCart(ctx: Context, input: CartCreateInput | undefined) {
  requireShopper(ctx.viewer);
  const lines = await wantedLines(ctx, validateNewLines(input?.lines ?? []));
  const { viewer } = ctx;
  const currency = ctx.config.currency;
  const fresh = await createFreshCart(ctx, viewer.kind === 'customer' ? viewer.customerId : null, currency, lines);
  if (fresh) {
    forgetCart(ctx.loaders, fresh);
    return { cart: fresh };
  }
  return changeCart(
    ctx,
    (tx) => (viewer.kind === 'customer' ? openCustomerCart(tx, viewer.customerId, currency) : openGuestCart(tx, currency)),
    (tx, cart) => addLines(tx, cart, lines),
  );
}

export async function addCartLines(ctx: Context, input: CartLinesAddInput) {
  requireShopper(ctx.viewer);
  const lines = await wantedLines(ctx, validateNewLines(input.lines));
  return changeCart(ctx, lockInput(input.cartId), (tx, cart) => addLines(tx, cart, lines));
}

function missingLines(all: string[], found: { id: string }[], field: (i: number) => string[]): UserErrors | null {
  const seen = new Set(found.map((r) => r.id));
  const errors = all.flatMap((id, i) => (seen.has(id) ? [] : [userError(field(i), 'Cart line not found.', ErrorCode.NOT_FOUND)]));
  return errors.length ? new UserErrors(errors) : null;
}

/** Sets line quantities; 0 removes the line. */
export async function updateCartLines(ctx: Context, input: CartLinesUpdateInput) {
  requireShopper(ctx.viewer);
  const v = new Validator();
  v.check(input.lines.length <= MAX_LINES, 'lines', `Give at most ${MAX_LINES} lines.`, ErrorCode.LIMIT_EXCEEDED);
  const ids = input.lines.map((line, i) => {
    const id = idOf(line.id, 'CartLine');
    v.check(id !== null, `lines.${i}.id`, 'Not a valid CartLine ID.', ErrorCode.INVALID_ID);
    v.int(`lines.${i}.quantity`, line.quantity, { min: 0, max: MAX_QUANTITY });
    return id ?? '';
  });
  v.check(new Set(ids).size === ids.length, 'lines', 'Name each line once.');
  v.done();
  const options = await updatedOptions(ctx, input, ids);
  return changeCart(ctx, lockInput(input.cartId), async (ctx, cart) => {
    const { tx } = ctx;
    const set = input.lines.flatMap((line, i) => (line.quantity > 0 ? [{ id: ids[i]!, quantity: line.quantity, options: options[i] ?? null }] : []));
    const drop = input.lines.flatMap((line, i) => (line.quantity === 0 ? [ids[i]!] : []));
    const found: { id: string }[] = [];
    if (set.length) {
      const [rows]: [{ id: string }[], number] = await tx.query(
        `UPDATE cart_line cl SET quantity = u.quantity, updated_at = now(),
                options = CASE WHEN u.options IS NULL THEN cl.options
                               ELSE (SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM jsonb_each(cl.options || u.options) WHERE value <> 'null') END
           FROM unnest($2::uuid[], $3::int[], $4::jsonb[]) AS u(id, quantity, options)
          WHERE cl.id = u.id AND cl.cart_id = $1 RETURNING cl.id`,
        [cart.uuid, set.map((l) => l.id), set.map((l) => l.quantity), set.map((l) => (l.options ? JSON.stringify(l.options) : null))],
      );
      found.push(...rows);
    }
    if (drop.length) {
      const [rows]: [{ id: string }[], number] = await tx.query(
        'DELETE FROM cart_line WHERE cart_id = $1 AND id = ANY($2::uuid[]) RETURNING id',
        [cart.uuid, drop],
      );
      found.push(...rows);
    }
    const missing = missingLines(ids, found, (i) => ['input', 'lines', String(i), 'id']);
    if (missing) throw missing;
  });
}

/**
 * The options each update line sets, validated with its listing's seller (read before the transaction, as
 * wantedLines does); null where a line sets none. A line of another cart is reported missing later.
 */
async function updatedOptions(ctx: Context, input: CartLinesUpdateInput, ids: string[]): Promise<(Record<string, unknown> | null)[]> {
  if (!input.lines.some((l) => l.options)) return input.lines.map(() => null);
  const lines = await Promise.all(ids.map((id, i) => (input.lines[i]!.options ? ctx.loaders.cartLineById.load(id) : null)));
  const listings = await Promise.all(lines.map((l) => (l ? ctx.loaders.listingById.load(l.listingUuid) : null)));
  const errors: UserError[] = [];
  const parsed = await Promise.all(
    input.lines.map(async (line, i) => {
      if (!line.options || !listings[i]) return null;
      try {
        return await ctx.lineOptions(ctx, listings[i]!.sellerUuid, line.options, ['input', 'lines', String(i), 'options']);
      } catch (err) {
        if (!(err instanceof UserErrors)) throw err;
        errors.push(...err.errors);
        return null;
      }
    }),
  );
  if (errors.length) throw new UserErrors(errors);
  return parsed;
}

export async function removeCartLines(ctx: Context, input: CartLinesRemoveInput) {
  requireShopper(ctx.viewer);
  const v = new Validator();
  v.check(input.lineIds.length <= MAX_LINES, 'lineIds', `Give at most ${MAX_LINES} lines.`, ErrorCode.LIMIT_EXCEEDED);
  const ids = input.lineIds.map((globalId, i) => {
    const id = idOf(globalId, 'CartLine');
    v.check(id !== null, `lineIds.${i}`, 'Not a valid CartLine ID.', ErrorCode.INVALID_ID);
    return id ?? '';
  });
  v.done();
  return changeCart(ctx, lockInput(input.cartId), async (ctx, cart) => {
    const { tx } = ctx;
    const [rows]: [{ id: string }[], number] = await tx.query(
      'DELETE FROM cart_line WHERE cart_id = $1 AND id = ANY($2::uuid[]) RETURNING id',
      [cart.uuid, ids],
    );
    const missing = missingLines(ids, rows, (i) => ['input', 'lineIds', String(i)]);
    if (missing) throw missing;
  });
}

/** Who buys and where it goes. A saved address (addressId) is copied: later edits to it don't move this cart. */
export async function updateBuyerIdentity(ctx: Context, input: CartBuyerIdentityUpdateInput) {
  requireShopper(ctx.viewer);
  const v = new Validator();
  const email = input.email?.trim();
  if (email !== undefined) v.email('email', email);
  let address: AddressData | undefined = input.shippingAddress && validateAddress(v, 'shippingAddress', input.shippingAddress);
  v.check(!(input.shippingAddress && input.addressId), 'addressId', 'Give shippingAddress or addressId, not both.');
  v.done();
  const { viewer } = ctx;
  return changeCart(ctx, lockInput(input.cartId), async (ctx, cart) => {
    const { tx } = ctx;
    if (input.addressId) {
      const field = ['input', 'addressId'];
      if (viewer.kind !== 'customer') fail(field, 'Address not found: sign in to use a saved address.', ErrorCode.NOT_FOUND);
      const { name, line1, line2, city, region, postalCode, country, phone } = await ownAddress(ctx, viewer.customerId, input.addressId, field);
      address = { name, line1, line2, city, region, postalCode, country, phone };
    }
    if (email === undefined && !address) return;
    await tx.query('UPDATE cart SET email = coalesce($2, email), shipping_address = coalesce($3::jsonb, shipping_address) WHERE id = $1', [
      cart.uuid,
      email ?? null,
      address ? JSON.stringify(address) : null,
    ]);
  });
}
