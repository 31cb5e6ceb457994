import { randomUUID } from 'node:crypto';
import type { Adjuster } from '../../../src/core/adjustments';
import { defineModule } from '../../../src/core/module';
import { invoiceDocument, lockOrder } from '../../../src/modules/invoices/invoice-issuing';
import { orderAdjustments, orderLines } from './stored-order-invoice';
import { inTransaction } from '../../helpers/in-transaction';
import { berlin, cartWith, insertCustomers, madrid } from '../../helpers/customers';
import { createCategory, createListing, createProduct, createSeller, uuidOf, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// Checkout issues its invoices from the orders it has just written (new-order-invoices.ts), in three
// statements for all its sellers; issueInvoice makes them from the stored rows. Both must give the same document.

/** Discounts on a line, on the group and on shipping, and a surcharge with its own VAT class. */
const adjuster: Adjuster = {
  name: 'test-mixed-adjustments',
  async adjust(_ctx, group) {
    return {
      adjustments: [
        { source: 'test', reference: null, label: 'Line 1 off', kind: 'DISCOUNT', amount: 70, lineKey: group.lines[0]!.key, target: 'ITEMS' },
        { source: 'test', reference: null, label: '5% off', kind: 'DISCOUNT', amount: Math.floor(group.subtotal / 20), lineKey: null, target: 'ITEMS' },
        { source: 'test', reference: null, label: 'Half shipping', kind: 'DISCOUNT', amount: Math.floor(group.shipping / 2), lineKey: null, target: 'SHIPPING' },
        { source: 'test', reference: null, label: 'Gift wrap', kind: 'SURCHARGE', amount: 150, lineKey: null, target: 'ITEMS', taxClass: 'reduced' },
      ],
      warnings: [],
    };
  },
};

let t: TestApp;
let sellers: TestSeller[];

beforeAll(async () => {
  t = await startTestApp({ modules: [defineModule({ name: 'test-invoice-adjustments', entities: [], resolvers: [], adjusters: [adjuster] })] });
  sellers = [await createSeller(t), await createSeller(t), await createSeller(t)];
});
afterAll(() => t.stop());

const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { checkout { orders { id } } userErrors { code message } } }`;

async function listing(seller: TestSeller, price: number, input: Record<string, unknown> = {}) {
  const product = await createProduct(t, seller.key, input);
  return createListing(t, seller.key, product.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock: 20 });
}

/** What issueInvoice would make of the stored order now, next to what checkout stored. */
async function issuedAndRebuilt(orderId: string) {
  const [stored] = await t.sql(
    `SELECT kind, series, number, issuer, buyer, lines, currency, net, tax, gross, reverse_charge AS "reverseCharge", customer_id AS "customerId", seller_id AS "sellerId"
       FROM invoice WHERE order_id = $1`,
    [orderId],
  );
  const rebuilt = await inTransaction(t, async (ctx) => {
    const order = await lockOrder(ctx, orderId);
    const doc = invoiceDocument(order, await orderLines(ctx, orderId), await orderAdjustments(ctx, orderId));
    return { order, doc };
  });
  return { stored, rebuilt };
}

describe("checkout's invoices", () => {
  it.each([
    ['a consumer in Spain', madrid, null],
    ['a business buyer in Germany (reverse charge)', berlin, 'DE123456789'],
  ])('are the documents issueInvoice makes from the stored orders: %s', async (_name, shippingAddress, vatNumber) => {
    const books = await createCategory(t);
    await t.sql(`UPDATE category SET tax_class = 'super_reduced' WHERE id = $1`, [uuidOf(books)]);
    const lines = [
      { listingId: await listing(sellers[0]!, 2420), quantity: 2 },
      { listingId: await listing(sellers[0]!, 1040, { categoryId: books }), quantity: 1 },
      { listingId: await listing(sellers[1]!, 6050), quantity: 1 },
      { listingId: await listing(sellers[2]!, 999, { categoryId: books }), quantity: 3 },
    ];
    const [buyer] = await insertCustomers(t, 1);
    if (vatNumber) await t.sql('UPDATE customer SET vat_number = $2 WHERE id = $1', [buyer!.id, vatNumber]);
    const cartId = await cartWith(t, buyer!.token, lines);
    const res = await t.data(CHECKOUT, { input: { cartId, shippingAddress, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer!.token);
    expect(res.checkoutComplete.userErrors).toEqual([]);
    const orders: { id: string }[] = res.checkoutComplete.checkout.orders;
    expect(orders).toHaveLength(3);
    for (const { id } of orders) {
      const { stored, rebuilt } = await issuedAndRebuilt(uuidOf(id));
      const { doc, order } = rebuilt;
      expect(stored).toEqual({
        kind: doc.kind,
        series: doc.series,
        number: expect.stringMatching(/-\d{4}-\d{6}$/),
        issuer: JSON.parse(JSON.stringify(order.issuer)),
        buyer: JSON.parse(JSON.stringify(doc.buyer)),
        lines: JSON.parse(JSON.stringify(doc.lines)),
        currency: doc.currency,
        net: doc.net,
        tax: doc.tax,
        gross: doc.gross,
        reverseCharge: doc.reverseCharge,
        customerId: order.customerId,
        sellerId: order.sellerId,
      });
      expect(doc.reverseCharge).toBe(vatNumber !== null);
      // Its invoice.issued event, written by the statement that stored it, after the order's events.
      const [invoice] = await t.sql('SELECT id, number FROM invoice WHERE order_id = $1', [uuidOf(id)]);
      const events = await t.sql(`SELECT type, payload FROM outbox WHERE payload->>'orderId' = $1 ORDER BY id`, [uuidOf(id)]);
      expect(events).toEqual([
        { type: 'order.placed', payload: expect.objectContaining({ orderId: uuidOf(id) }) },
        { type: 'order.paid', payload: expect.objectContaining({ orderId: uuidOf(id) }) },
        { type: 'invoice.issued', payload: { invoiceId: invoice.id, orderId: uuidOf(id), sellerId: order.sellerId, number: invoice.number } },
      ]);
      // Goods, shipping, and the discount and surcharge lines.
      expect(doc.lines.length).toBeGreaterThan(3);
    }
  });

  it('numbers each seller consecutively when many checkouts of the same sellers run at once', async () => {
    const shared = [await listing(sellers[0]!, 1000), await listing(sellers[1]!, 1000), await listing(sellers[2]!, 1000)];
    const buyers = await insertCustomers(t, 12);
    const carts = await Promise.all(buyers.map((b, i) => cartWith(t, b.token, [0, 1, 2].map((k) => ({ listingId: shared[(i + k) % 3]!, quantity: 1 })))));
    const results = await Promise.all(
      buyers.map((b, i) => t.data(CHECKOUT, { input: { cartId: carts[i], shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, b.token)),
    );
    expect(results.map((r) => r.checkoutComplete.userErrors)).toEqual(buyers.map(() => []));
    for (const seller of sellers) {
      const rows: { sequence: number }[] = await t.sql(
        `SELECT i.sequence FROM invoice i JOIN seller s ON s.id = i.seller_id WHERE s.slug = $1 AND i.series = 'F' ORDER BY i.sequence`,
        [seller.slug],
      );
      expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
    }
  });
});
