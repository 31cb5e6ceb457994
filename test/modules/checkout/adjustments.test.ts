import { randomUUID } from 'node:crypto';
import type { Adjuster } from '../../../src/core/adjustments';
import { defineModule } from '../../../src/core/module';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { cartWith, insertCustomers, madrid } from '../../helpers/customers';

/** A test adjuster: 10% off the group, free shipping, 100 off the first line, each phase recorded. */
const phases: string[] = [];
const tenPercent: Adjuster = {
  name: 'test-ten-percent',
  async adjust(_ctx, group) {
    phases.push(group.phase);
    return {
      adjustments: [
        { source: 'test', reference: null, label: 'Line 1 off', kind: 'DISCOUNT', amount: 100, lineKey: group.lines[0]!.key, target: 'ITEMS' },
        { source: 'test', reference: null, label: '10% off', kind: 'DISCOUNT', amount: Math.floor((group.subtotal - 100) / 10), lineKey: null, target: 'ITEMS' },
        { source: 'test', reference: null, label: 'Free shipping', kind: 'DISCOUNT', amount: group.shipping, lineKey: null, target: 'SHIPPING' },
      ],
      warnings: [{ code: 'TEST_NOTICE', message: 'adjusted' }],
    };
  },
};

let t: TestApp;
let seller: TestSeller;
const uuid = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1]!;

beforeAll(async () => {
  t = await startTestApp({ modules: [defineModule({ name: 'test-adjustments', entities: [], resolvers: [], adjusters: [tenPercent] })] });
  seller = await createSeller(t);
});
afterAll(() => t.stop());

const CART = `query ($id: ID!) { cart(id: $id) {
  subtotal { amount } shipping { amount } discountTotal { amount } total { amount }
  lines { discount { amount } }
  sellerGroups { discountTotal { amount } total { amount } adjustments { label kind target amount { amount } lineId } }
  warnings { code reason message }
} }`;

describe('the checkout adjustment point', () => {
  it('shows adjustments on the cart, charges the adjusted total and invoices VAT on the discounted base', async () => {
    const books = await createCategory(t);
    await t.sql(`UPDATE category SET tax_class = 'super_reduced' WHERE id = $1`, [uuid(books)]);
    const shirt = await createListing(t, seller.key, (await createProduct(t, seller.key)).variantIds[0]!, { price: { amount: 2420, currency: 'EUR' }, stock: 5 });
    const novel = await createListing(t, seller.key, (await createProduct(t, seller.key, { categoryId: books })).variantIds[0]!, {
      price: { amount: 1040, currency: 'EUR' },
      stock: 5,
    });
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: shirt, quantity: 1 }, { listingId: novel, quantity: 1 }]);

    const { cart } = await t.data(CART, { id: cartId }, buyer!.token);
    // 3460 − 100 on the shirt − 336 (10% of 3360) spread 2320:1040 − shipping 499.
    expect(cart).toMatchObject({ subtotal: { amount: 3460 }, shipping: { amount: 499 }, discountTotal: { amount: 100 + 336 + 499 }, total: { amount: 3460 - 436 } });
    expect(cart.lines.map((l: any) => l.discount.amount)).toEqual([100 + 232, 104]);
    expect(cart.sellerGroups[0].adjustments.map((a: any) => [a.label, a.target, a.amount.amount, a.lineId !== null])).toEqual([
      ['Line 1 off', 'ITEMS', 100, true],
      ['10% off', 'ITEMS', 336, false],
      ['Free shipping', 'SHIPPING', 499, false],
    ]);
    expect(cart.warnings).toEqual([{ code: 'ADJUSTMENT', reason: 'TEST_NOTICE', message: 'adjusted' }]);

    phases.length = 0;
    const res = await t.data(
      `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) {
        checkout { id total { amount } orders { id } }
        warnings { code message } userErrors { code message } } }`,
      { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      buyer!.token,
    );
    expect(res.checkoutComplete.userErrors).toEqual([]);
    expect(phases).toEqual(['checkout']);
    expect(res.checkoutComplete.warnings).toEqual([{ code: 'TEST_NOTICE', message: 'adjusted' }]);
    const { order } = await t.data(
      `query ($id: ID!) { order(id: $id) { id subtotal { amount } shipping { amount } discountTotal { amount } tax { amount } total { amount }
        lines { discount { amount } } adjustments { label amount { amount } linePosition } } }`,
      { id: res.checkoutComplete.checkout.orders[0].id },
      buyer!.token,
    );
    expect(order).toMatchObject({ subtotal: { amount: 3460 }, shipping: { amount: 499 }, discountTotal: { amount: 935 }, total: { amount: 3024 } });
    expect(order.lines.map((l: any) => l.discount.amount)).toEqual([332, 104]);
    expect(order.adjustments).toEqual([
      { label: 'Line 1 off', amount: { amount: 100 }, linePosition: 0 },
      { label: '10% off', amount: { amount: 336 }, linePosition: null },
      { label: 'Free shipping', amount: { amount: 499 }, linePosition: null },
    ]);
    expect(res.checkoutComplete.checkout.total.amount).toBe(3024);
    const [payment] = await t.sql('SELECT amount FROM payment WHERE checkout_id = $1', [uuid(res.checkoutComplete.checkout.id)]);
    expect(Number(payment.amount)).toBe(3024);

    const [invoice] = await t.sql('SELECT lines, net, tax, gross FROM invoice WHERE order_id = $1', [uuid(order.id)]);
    expect(Number(invoice.gross)).toBe(3024);
    expect(Number(invoice.tax)).toBe(order.tax.amount);
    expect(invoice.lines.map((l: any) => [l.description.replace(/Product.*/, 'P'), l.vatRate, l.gross])).toEqual([
      ['P', 2100, 2420],
      ['P', 400, 1040],
      ['Shipping', 2100, 499],
      ['Line 1 off', 2100, -100],
      ['10% off', 2100, -232],
      ['10% off', 400, -104],
      ['Free shipping', 2100, -499],
    ]);
    // 21% inside 2420 − 332 = 2088 ≈ 362; 4% inside 1040 − 104 = 936 = 36; shipping nets to 0.
    const byRate = (rate: number) => invoice.lines.filter((l: any) => l.vatRate === rate).reduce((sum: number, l: any) => sum + l.tax, 0);
    expect(byRate(2100)).toBe(420 - 17 - 40 + (87 - 87));
    expect(byRate(400)).toBe(40 - 4);

    const cancelled = await t.data(
      'mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { state creditNotes { gross { amount } lines { description gross { amount } } } } userErrors { code } } }',
      { input: { id: order.id, reason: 'changed my mind' } },
      buyer!.token,
    );
    const note = cancelled.orderCancel.order.creditNotes[0];
    expect(note.gross.amount).toBe(-3024);
    expect(note.lines.filter((l: any) => l.description === '10% off').map((l: any) => l.gross.amount)).toEqual([232, 104]);
  });
});
