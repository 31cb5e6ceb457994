import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createSeller, type TestSeller } from '../../helpers/fixtures';
import { cartWith, insertCustomers, madrid } from '../../helpers/customers';
import { event, setConsent, track } from '../personalization/personalization-fixtures';
import { APPLY, BUY_NOW, CART_TOTALS, CHECKOUT, REMOVE, createPromotion, listingOf } from './promotion-fixtures';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function seller(shippingRate?: number): Promise<TestSeller> {
  const s = await createSeller(t);
  if (shippingRate !== undefined) await t.data(`mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { userErrors { code } } }`, { input: { shippingRate: { amount: shippingRate, currency: 'EUR' } } }, s.key);
  return s;
}

const totals = async (cartId: string, token: string) => (await t.data(CART_TOTALS, { id: cartId }, token)).cart;
const checkout = (cartId: string, token: string) => t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, token);

describe('promotions on carts and orders', () => {
  it('gives a percentage on scoped lines, a fixed amount and free shipping, and orders charge the same', async () => {
    const s = await seller();
    const a = await listingOf(t, s, 2000);
    const b = await listingOf(t, s, 1000);
    await createPromotion(t, s.key, { name: '25% on A', percentOff: 25, scope: 'LISTINGS', scopeIds: [a.listingId], priority: 3 });
    await createPromotion(t, s.key, { name: '3 off', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 300, currency: 'EUR' }, priority: 2 });
    await createPromotion(t, s.key, { name: 'Free shipping', kind: 'FREE_SHIPPING', percentOff: null, priority: 1 });
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: a.listingId, quantity: 1 }, { listingId: b.listingId, quantity: 1 }]);
    const cart = await totals(cartId, buyer!.token);
    const shipping = cart.shipping.amount;
    expect(shipping).toBeGreaterThan(0);
    // 25% of 2000 = 500 on A; then 300 spread over what is left (1500 : 1000) = 180 : 120; and shipping.
    expect(cart.lines.map((l: any) => l.discount.amount)).toEqual([680, 120]);
    expect(cart.discountTotal.amount).toBe(800 + shipping);
    expect(cart.total.amount).toBe(3000 - 800);
    expect(cart.sellerGroups[0].adjustments.map((x: any) => [x.label, x.target, x.amount.amount])).toEqual([
      ['25% on A', 'ITEMS', 500], ['3 off', 'ITEMS', 300], ['Free shipping', 'SHIPPING', shipping],
    ]);
    const res = await checkout(cartId, buyer!.token);
    expect(res.checkoutComplete.userErrors).toEqual([]);
    expect(res.checkoutComplete.checkout.total.amount).toBe(2200);
    expect(res.checkoutComplete.checkout.orders[0].discountTotal.amount).toBe(800 + shipping);
    const [{ count }] = await t.sql('SELECT count(*)::int AS count FROM promotion_redemption r JOIN orders o ON o.id = r.order_id WHERE o.customer_id = $1', [buyer!.id]);
    expect(count).toBe(3);
  });

  it('stacks stackable promotions by priority and prefers an exclusive one only when it gives more', async () => {
    const s = await seller();
    const item = await listingOf(t, s, 10_000);
    await createPromotion(t, s.key, { name: 'Low 10%', percentOff: 10, priority: 1 });
    await createPromotion(t, s.key, { name: 'High 20%', percentOff: 20, priority: 9 });
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: item.listingId, quantity: 1 }]);
    // 20% of 10000 = 2000 first, then 10% of 8000 = 800.
    expect((await totals(cartId, buyer!.token)).sellerGroups[0].adjustments.map((x: any) => [x.label, x.amount.amount])).toEqual([['High 20%', 2000], ['Low 10%', 800]]);
    const exclusive = await createPromotion(t, s.key, { name: 'Exclusive 25%', percentOff: 25, stacking: 'EXCLUSIVE' });
    expect((await totals(cartId, buyer!.token)).sellerGroups[0].adjustments.map((x: any) => [x.label, x.amount.amount])).toEqual([['High 20%', 2000], ['Low 10%', 800]]);
    await t.data(`mutation ($input: PromotionUpdateInput!) { promotionUpdate(input: $input) { userErrors { code } } }`, { input: { id: exclusive.id, percentOff: 30 } }, s.key);
    expect((await totals(cartId, buyer!.token)).sellerGroups[0].adjustments.map((x: any) => [x.label, x.amount.amount])).toEqual([['Exclusive 25%', 3000]]);
  });

  it('covers the categories below a CATEGORIES promotion\'s own, not those beside or above it, in the cart and the order', async () => {
    const s = await seller();
    const home = await createCategory(t);
    const kitchen = await createCategory(t, home);
    const knives = await createCategory(t, kitchen);
    const garden = await createCategory(t);
    const inKnives = await listingOf(t, s, 1000, 100, { categoryId: knives });
    const inKitchen = await listingOf(t, s, 1000, 100, { categoryId: kitchen });
    const inHome = await listingOf(t, s, 1000, 100, { categoryId: home });
    const inGarden = await listingOf(t, s, 1000, 100, { categoryId: garden });
    await createPromotion(t, s.key, { name: 'Kitchen week', percentOff: 10, scope: 'CATEGORIES', scopeIds: [kitchen] });
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(
      t,
      buyer!.token,
      [inKnives, inKitchen, inHome, inGarden].map((l) => ({ listingId: l.listingId, quantity: 1 })),
    );
    expect((await totals(cartId, buyer!.token)).lines.map((l: any) => l.discount.amount)).toEqual([100, 100, 0, 0]);
    const placed = await checkout(cartId, buyer!.token);
    expect(placed.checkoutComplete.userErrors).toEqual([]);
    expect(placed.checkoutComplete.checkout.orders[0].discountTotal.amount).toBe(200);
  });

  it('applies and removes codes, and says why a code does not apply', async () => {
    const s = await seller();
    const other = await seller();
    const item = await listingOf(t, s, 1000);
    const elsewhere = await listingOf(t, other, 1000);
    const category = await createCategory(t);
    await createPromotion(t, s.key, { name: 'Welcome', trigger: 'SHARED_CODE', code: 'WELCOME10' });
    await createPromotion(t, s.key, { name: 'Old', trigger: 'SHARED_CODE', code: 'OLD', startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-02-01T00:00:00Z' });
    await createPromotion(t, s.key, { name: 'Later', trigger: 'SHARED_CODE', code: 'LATER', startsAt: '2030-01-01T00:00:00Z' });
    await createPromotion(t, s.key, { name: 'Big spender', trigger: 'SHARED_CODE', code: 'BIG', minSubtotal: { amount: 5000, currency: 'EUR' } });
    await createPromotion(t, s.key, { name: 'Books only', trigger: 'SHARED_CODE', code: 'BOOKS', scope: 'CATEGORIES', scopeIds: [category] });
    await createPromotion(t, s.key, { name: 'Loyal', trigger: 'SHARED_CODE', code: 'LOYAL', targeting: { trait: 'BOUGHT_FROM_SELLER' } });
    const paused = await createPromotion(t, s.key, { name: 'Paused', trigger: 'SHARED_CODE', code: 'PAUSED' });
    await t.data(`mutation ($input: PromotionIdInput!) { promotionPause(input: $input) { userErrors { code } } }`, { input: { id: paused.id } }, s.key);
    await createPromotion(t, other.key, { name: 'Elsewhere', trigger: 'SHARED_CODE', code: 'ELSEWHERE' });
    const once = await createPromotion(t, s.key, { name: 'Once', trigger: 'SHARED_CODE', code: 'ONCE', perCustomerLimit: 1 });

    const [buyer, second] = await insertCustomers(t, 2);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: item.listingId, quantity: 1 }]);
    const apply = async (code: string, token = buyer!.token, id = cartId) => (await t.data(APPLY, { input: { cartId: id, code } }, token)).cartCodeApply;
    const reason = async (code: string) => (await apply(code)).userErrors.map((e: any) => [e.field.join('.'), e.code]);
    expect(await reason('NOPE')).toEqual([['input.code', 'PROMOTION_CODE_UNKNOWN']]);
    expect(await reason('old')).toEqual([['input.code', 'PROMOTION_EXPIRED']]);
    expect(await reason('LATER')).toEqual([['input.code', 'PROMOTION_NOT_STARTED']]);
    expect(await reason('PAUSED')).toEqual([['input.code', 'PROMOTION_INACTIVE']]);
    expect(await reason('ELSEWHERE')).toEqual([['input.code', 'PROMOTION_NOT_FOR_SELLER']]);
    expect(await reason('BOOKS')).toEqual([['input.code', 'PROMOTION_NOT_FOR_SELLER']]);
    expect(await reason('BIG')).toEqual([['input.code', 'PROMOTION_BELOW_MINIMUM']]);
    expect(await reason('LOYAL')).toEqual([['input.code', 'PROMOTION_NOT_ELIGIBLE']]);
    expect(await reason('bad code!')).toEqual([['input.code', 'INVALID']]);
    expect(await reason('x'.repeat(41))).toEqual([['input.code', 'INVALID']]);

    expect(await apply(' welcome10 ')).toEqual({ cart: { codes: ['WELCOME10'], discountTotal: { amount: 100 } }, warnings: [], userErrors: [] });
    expect((await apply('WELCOME10')).cart.codes).toEqual(['WELCOME10']);
    const removed = (await t.data(REMOVE, { input: { cartId, code: 'welcome10' } }, buyer!.token)).cartCodeRemove;
    expect(removed).toEqual({ cart: { codes: [], discountTotal: { amount: 0 } }, userErrors: [] });
    expect((await t.data(REMOVE, { input: { cartId, code: 'WELCOME10' } }, buyer!.token)).cartCodeRemove.userErrors).toEqual([
      { field: ['input', 'code'], message: expect.any(String), code: 'NOT_FOUND' },
    ]);
    const stranger = await t.data(APPLY, { input: { cartId, code: 'WELCOME10' } }, second!.token);
    expect(stranger.cartCodeApply.userErrors).toEqual([{ field: ['input', 'cartId'], message: 'Cart not found.', code: 'NOT_FOUND' }]);

    // A per-customer limit of one: used at checkout, then refused with LIMIT_REACHED on the next cart.
    expect((await apply('ONCE')).userErrors).toEqual([]);
    const bought = await checkout(cartId, buyer!.token);
    expect(bought.checkoutComplete.checkout.orders[0].discountTotal.amount).toBe(100 + 0 + (bought.checkoutComplete.checkout.orders[0].discountTotal.amount - 100));
    const nextCart = await cartWith(t, buyer!.token, [{ listingId: item.listingId, quantity: 1 }]);
    expect((await apply('ONCE', buyer!.token, nextCart)).userErrors.map((e: any) => e.code)).toEqual(['PROMOTION_LIMIT_REACHED']);
    // Now they bought from the seller, and once they consent to personalization the targeted code applies.
    expect((await apply('LOYAL', buyer!.token, nextCart)).userErrors.map((e: any) => e.code)).toEqual(['PROMOTION_NOT_ELIGIBLE']);
    await setConsent(t, buyer!.token, true);
    expect((await apply('LOYAL', buyer!.token, nextCart)).userErrors).toEqual([]);
    expect(once.id).toBeDefined();

    // Guests: a targeted code needs a signed-in, consenting customer.
    const guestCart = (await t.data('mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } } }', { input: { lines: [{ listingId: item.listingId, quantity: 1 }] } })).cartCreate.cart.id;
    expect((await t.data(APPLY, { input: { cartId: guestCart, code: 'WELCOME10' } })).cartCodeApply.userErrors).toEqual([]);
    expect((await t.data(APPLY, { input: { cartId: guestCart, code: 'LOYAL' } })).cartCodeApply.userErrors.map((e: any) => e.code)).toEqual(['PROMOTION_NOT_ELIGIBLE']);
    const sellerTries = await t.request(APPLY, { input: { cartId: guestCart, code: 'WELCOME10' } }, s.key);
    expect(sellerTries.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(elsewhere.listingId).toBeDefined();
  });

  it('single-use codes work once, and a code that stops applying stays on the cart with a warning', async () => {
    const s = await seller();
    const item = await listingOf(t, s, 1000);
    const p = await createPromotion(t, s.key, { name: 'Unique', trigger: 'UNIQUE_CODES', percentOff: 50, minSubtotal: { amount: 1500, currency: 'EUR' } });
    const gen = await t.data(`mutation ($input: PromotionCodesGenerateInput!) { promotionCodesGenerate(input: $input) { codes userErrors { field code } } }`, { input: { id: p.id, count: 3, prefix: 'vip' } }, s.key);
    const codes: string[] = gen.promotionCodesGenerate.codes;
    expect(codes).toHaveLength(3);
    expect(codes.every((c) => /^VIP-[A-Z2-9]{10}$/.test(c))).toBe(true);
    const tooMany = await t.data(`mutation ($input: PromotionCodesGenerateInput!) { promotionCodesGenerate(input: $input) { codes userErrors { field code } } }`, { input: { id: p.id, count: 1001 } }, s.key);
    expect(tooMany.promotionCodesGenerate.userErrors).toEqual([{ field: ['input', 'count'], code: 'INVALID' }]);

    const [a, b] = await insertCustomers(t, 2);
    const cartA = await cartWith(t, a!.token, [{ listingId: item.listingId, quantity: 2 }]);
    expect((await t.data(APPLY, { input: { cartId: cartA, code: codes[0] } }, a!.token)).cartCodeApply.userErrors).toEqual([]);
    // Remove a unit: below the minimum, the code stays and the cart says why it gives nothing now.
    const lineId = (await t.data('query ($id: ID!) { cart(id: $id) { lines { id } } }', { id: cartA }, a!.token)).cart.lines[0].id;
    await t.data('mutation ($input: CartLinesUpdateInput!) { cartLinesUpdate(input: $input) { userErrors { code } } }', { input: { cartId: cartA, lines: [{ id: lineId, quantity: 1 }] } }, a!.token);
    const low = await totals(cartA, a!.token);
    expect(low.codes).toEqual([codes[0]]);
    expect(low.discountTotal.amount).toBe(0);
    expect(low.warnings).toEqual([{ code: 'ADJUSTMENT', reason: 'PROMOTION_BELOW_MINIMUM', message: expect.stringContaining('Unique') }]);
    await t.data('mutation ($input: CartLinesUpdateInput!) { cartLinesUpdate(input: $input) { userErrors { code } } }', { input: { cartId: cartA, lines: [{ id: lineId, quantity: 2 }] } }, a!.token);
    const paid = await checkout(cartA, a!.token);
    expect(paid.checkoutComplete.checkout.total.amount).toBe(1000 + paid.checkoutComplete.checkout.orders[0].total.amount - 1000);
    expect(paid.checkoutComplete.checkout.orders[0].discountTotal.amount).toBe(1000);

    const cartB = await cartWith(t, b!.token, [{ listingId: item.listingId, quantity: 2 }]);
    expect((await t.data(APPLY, { input: { cartId: cartB, code: codes[0] } }, b!.token)).cartCodeApply.userErrors.map((e: any) => e.code)).toEqual(['PROMOTION_LIMIT_REACHED']);
    expect((await t.data(APPLY, { input: { cartId: cartB, code: codes[1]!.toLowerCase() } }, b!.token)).cartCodeApply.userErrors).toEqual([]);
  });

  it('targets only consenting customers who match the rule (viewed a category 3 times this week), and buyNow applies it too', async () => {
    const s = await seller();
    const books = await createCategory(t);
    const item = await listingOf(t, s, 1000, 100, { categoryId: books });
    await createPromotion(t, s.key, { name: 'Book lovers', percentOff: 30, targeting: { all: [{ trait: 'VIEWED_CATEGORY', categoryId: books, min: 3, days: 7 }, { trait: 'NEW_CUSTOMER' }] } });
    const [fan, browser, unconsented] = await insertCustomers(t, 3);
    await setConsent(t, fan!.token, true);
    await setConsent(t, browser!.token, true);
    const views = (n: number) => Array.from({ length: n }, (_, i) => event('PRODUCT_VIEWED', { productId: item.productId, categoryId: books, id: `v${i}` }, 60_000 * (i + 1)));
    expect((await track(t, views(3), fan!.token)).accepted).toBe(3);
    expect((await track(t, views(2), browser!.token)).accepted).toBe(2);
    await track(t, views(3), unconsented!.token);
    const discountOf = async (c: { token: string }) => (await totals(await cartWith(t, c.token, [{ listingId: item.listingId, quantity: 1 }]), c.token)).discountTotal.amount;
    expect(await discountOf(fan!)).toBe(300);
    expect(await discountOf(browser!)).toBe(0);
    expect(await discountOf(unconsented!)).toBe(0);

    const buy = async (c: { token: string }) =>
      (await t.data(BUY_NOW, { input: { listingId: item.listingId, quantity: 1, idempotencyKey: randomUUID() } }, c.token)).buyNow;
    const fanOrder = await buy(fan!);
    expect(fanOrder.userErrors).toEqual([]);
    expect(fanOrder.checkout.orders[0].discountTotal.amount).toBe(300 + (fanOrder.checkout.orders[0].discountTotal.amount - 300));
    expect(fanOrder.checkout.orders[0].discountTotal.amount).toBeGreaterThanOrEqual(300);
    expect((await buy(browser!)).checkout.orders[0].discountTotal.amount).toBe(0);
    // No longer a new customer: the rule stops matching.
    expect((await buy(fan!)).checkout.orders[0].discountTotal.amount).toBe(0);
    expect(await t.sql('SELECT 1 FROM promotion_redemption r JOIN orders o ON o.id = r.order_id WHERE o.customer_id = $1', [browser!.id])).toEqual([]);
  });
});
