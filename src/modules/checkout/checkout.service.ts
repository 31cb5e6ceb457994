import type { Context } from '../../core/context';
import { requireCustomer } from '../../auth/guards';
import { validateAddress, type AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { cartUuid, checkoutCartOf } from '../carts';
import { CustomerAddressEntity, ownAddress, ownPaymentMethod } from '../customers';
import { toOrder } from '../orders';
import type { OpenPayment, PaymentProvider } from '../payments';
import { requestHash } from './idempotency';
import { existingCheckout, openedWithReplayCheck, placeOrders, type PlacedCheckout } from './place-orders';
import { oneClickDefaults } from './one-click-defaults';
import { toCheckout, type CheckoutRow } from './checkout.rows';
import type { Checkout } from './checkout.type';
import type { BuyNowInput, CheckoutCompleteInput } from './checkout.inputs';

async function loadCheckout(ctx: Context, id: string): Promise<Checkout | null> {
  const [row]: CheckoutRow[] = await ctx.db.query(
    'SELECT id, customer_id AS "customerId", total, currency, created_at AS "createdAt" FROM checkout WHERE id = $1',
    [id],
  );
  return row ? toCheckout(row) : null;
}

/** A checkout by database id, for its customer and the operator. */
export async function findCheckout(ctx: Context, id: string): Promise<Checkout | null> {
  const checkout = await loadCheckout(ctx, id);
  const own = ctx.viewer.kind === 'admin' || (ctx.viewer.kind === 'customer' && ctx.viewer.customerId === checkout?.customerUuid);
  return own ? checkout : null;
}

function validateKey(v: Validator, key: string): void {
  v.check(/^[\x21-\x7e]{8,100}$/.test(key), 'idempotencyKey', 'idempotencyKey must be 8 to 100 visible ASCII characters (a UUID is ideal).');
}

function providerNamed(ctx: Context, name: string, field: string): PaymentProvider {
  const provider = ctx.payments.get(name);
  if (!provider) fail(field, `Unknown payment provider "${name}".`, ErrorCode.NOT_FOUND);
  return provider;
}

function toAddressData(a: CustomerAddressEntity): AddressData {
  return { name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country, phone: a.phone };
}

/** A retry of a purchase already made returns it; the same key for another purchase is an error. */
async function replay(ctx: Context, customerId: string, key: string, hash: string) {
  const id = await existingCheckout(ctx, customerId, key, hash);
  return id ? { checkout: await loadCheckout(ctx, id) } : null;
}

/** The answer to a purchase: the checkout as placeOrders wrote it (read back only when it was a replay). */
async function placedPayload(ctx: Context, placed: PlacedCheckout) {
  if (placed.orders) ctx.loaders.ordersByCheckoutId.prime(placed.checkoutId, placed.orders.map(toOrder));
  return { checkout: placed.row ? toCheckout(placed.row) : await loadCheckout(ctx, placed.checkoutId), warnings: placed.warnings };
}

export async function completeCheckout(ctx: Context, input: CheckoutCompleteInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  validateKey(v, input.idempotencyKey);
  v.check(!input.paymentMethodId !== !input.paymentToken, 'paymentMethodId', 'Give exactly one of paymentMethodId and paymentToken.');
  v.check(!(input.shippingAddress && input.addressId), 'addressId', 'Give shippingAddress or addressId, not both.');
  const inlineAddress = input.shippingAddress ? validateAddress(v, 'shippingAddress', input.shippingAddress) : null;
  v.done();
  const cartField = ['input', 'cartId'];
  const cartId = cartUuid(input.cartId, cartField);
  const { idempotencyKey, ...request } = input;
  const hash = requestHash(request);
  // A card token for a known provider: the replay check opens the payment too (one round trip fewer). A saved
  // method is read after the replay check (a replay must not need it), so its payment is opened by placeOrders.
  const inlineProvider = input.paymentMethodId ? undefined : ctx.payments.get(input.paymentProvider);
  let opened: OpenPayment | null = null;
  if (inlineProvider) {
    const found = await openedWithReplayCheck(ctx, { customerId, idempotencyKey, requestHash: hash, provider: inlineProvider });
    if (found.replayed) return { checkout: toCheckout(found.replayed) };
    opened = found.payment;
  } else {
    const replayed = await replay(ctx, customerId, idempotencyKey, hash);
    if (replayed) return replayed;
  }
  const method = input.paymentMethodId
    ? await ownPaymentMethod(ctx, customerId, input.paymentMethodId, ['input', 'paymentMethodId'])
    : { provider: input.paymentProvider, token: input.paymentToken! };
  const placed = await placeOrders(ctx, {
    customerId,
    idempotencyKey,
    requestHash: hash,
    opened,
    payment: { provider: providerNamed(ctx, method.provider, 'paymentProvider'), token: method.token },
    cartId,
    async prepare(ctx, locked) {
      const cart = await checkoutCartOf(ctx, locked, cartField);
      const shippingAddress =
        inlineAddress ??
        (input.addressId ? toAddressData(await ownAddress(ctx, customerId, input.addressId, ['input', 'addressId'])) : cart.shippingAddress);
      if (!shippingAddress) fail('shippingAddress', 'Give a shipping address, a saved addressId, or set one on the cart.', ErrorCode.BLANK);
      const lines = cart.lines.map((l, i) => ({ ...l, field: ['input', 'cartId', 'lines', String(i)] }));
      return { cartId: cart.id, lines, shippingAddress, codes: cart.codes };
    },
  });
  return placedPayload(ctx, placed);
}

/** One click: the default shipping address and the default payment method, no cart. */
export async function buyNow(ctx: Context, input: BuyNowInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  validateKey(v, input.idempotencyKey);
  v.int('quantity', input.quantity, { min: 1, max: 999 });
  v.done();
  const listingId = idOf(input.listingId, 'Listing');
  if (!listingId) fail('listingId', 'listingId is not a valid Listing ID.', ErrorCode.INVALID_ID);
  const hash = requestHash({ listingId, quantity: input.quantity });
  const { replayed, method, address, opened } = await oneClickDefaults(ctx, customerId, input.idempotencyKey, hash);
  if (replayed) return { checkout: toCheckout(replayed) };
  if (!method) fail(null, 'Save a default payment method to buy with one click.', ErrorCode.NO_DEFAULT_PAYMENT_METHOD);
  if (!address) fail(null, 'Save a default shipping address to buy with one click.', ErrorCode.NO_DEFAULT_ADDRESS);
  const placed = await placeOrders(ctx, {
    customerId,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    opened,
    payment: { provider: providerNamed(ctx, method.provider, 'paymentMethod'), token: method.token },
    listingIds: [listingId],
    async prepare() {
      return { cartId: null, shippingAddress: address, codes: [], lines: [{ listingId, quantity: input.quantity, field: ['input', 'listingId'] }] };
    },
  });
  return placedPayload(ctx, placed);
}
