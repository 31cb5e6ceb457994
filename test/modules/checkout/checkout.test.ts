import { randomUUID } from 'node:crypto';
import { testPaymentBook } from '../../helpers/payments';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { berlin, cartWith, insertCustomers, madrid } from '../../helpers/customers';

let t: TestApp;
let sellers: TestSeller[];

beforeAll(async () => {
  t = await startTestApp();
  sellers = [await createSeller(t), await createSeller(t), await createSeller(t)];
});
afterAll(() => t.stop());

const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) {
    checkout { id total { amount } orders { id state seller { slug } subtotal { amount } shipping { amount } tax { amount } total { amount } lines { sku quantity } } }
    userErrors { field message code }
  }
}`;

async function listing(seller: TestSeller, price: number, stock: number, input: Record<string, unknown> = {}) {
  const product = await createProduct(t, seller.key, input);
  return createListing(t, seller.key, product.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock });
}

const stockOf = async (listingId: string) =>
  (await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { stock } } }', { id: listingId })).node.stock;

describe('checkoutComplete', () => {
  it('turns a three-seller cart into three orders, three invoices with the right VAT and one payment', async () => {
    const books = await createCategory(t);
    await t.sql(`UPDATE category SET tax_class = 'super_reduced' WHERE id = $1`, [Buffer.from(books, 'base64url').toString().split(':')[1]]);
    const shirt = await listing(sellers[0]!, 2420, 5);
    const novel = await listing(sellers[1]!, 1040, 5, { categoryId: books });
    const lamp = await listing(sellers[2]!, 6050, 5);
    await t.data('mutation { sellerUpdate(input: { freeShippingThreshold: 5000 }) { userErrors { code } } }', {}, sellers[2]!.key);
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [
      { listingId: shirt, quantity: 2 },
      { listingId: novel, quantity: 1 },
      { listingId: lamp, quantity: 1 },
    ]);
    const res = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer!.token);
    expect(res.checkoutComplete.userErrors).toEqual([]);
    const { checkout } = res.checkoutComplete;
    expect(checkout.orders).toHaveLength(3);
    const bySlug = Object.fromEntries(checkout.orders.map((o: any) => [o.seller.slug, o]));
    expect(bySlug[sellers[0]!.slug]).toMatchObject({ state: 'PAID', subtotal: { amount: 4840 }, shipping: { amount: 499 }, total: { amount: 5339 } });
    // 21% VAT inside 4840 + 499: 840 + 87 (the invoice rounds per line).
    expect(bySlug[sellers[0]!.slug].tax.amount).toBe(840 + 87);
    // Books: 4% (super-reduced) on 1040 = 40, shipping at the same rate 499 → 19.
    expect(bySlug[sellers[1]!.slug].tax.amount).toBe(40 + 19);
    // Lamp: above the seller's free-shipping threshold.
    expect(bySlug[sellers[2]!.slug]).toMatchObject({ shipping: { amount: 0 }, total: { amount: 6050 }, tax: { amount: 1050 } });
    expect(checkout.total.amount).toBe(5339 + 1539 + 6050);

    const checkoutId = Buffer.from(checkout.id, 'base64url').toString().split(':')[1];
    const [payment] = await t.sql('SELECT provider_ref AS ref, amount FROM payment WHERE checkout_id = $1', [checkoutId]);
    expect(payment.amount).toBe(checkout.total.amount);
    expect(await testPaymentBook(t.app.dataSource, payment.ref)).toMatchObject({ amount: checkout.total.amount, captured: checkout.total.amount, captures: 1 });
    const invoices = await t.sql('SELECT i.number, i.gross, i.tax FROM invoice i JOIN orders o ON o.id = i.order_id WHERE o.checkout_id = $1', [checkoutId]);
    expect(invoices).toHaveLength(3);
    expect(invoices.map((i) => i.tax).sort((a, b) => a - b)).toEqual([59, 927, 1050]);
    expect(await stockOf(shirt)).toBe(3);
    const cartUuid = Buffer.from(cartId, 'base64url').toString().split(':')[1];
    const [cart] = await t.sql('SELECT status, (SELECT count(*)::int FROM cart_line WHERE cart_id = $1) AS lines FROM cart WHERE id = $1', [cartUuid]);
    expect(cart).toEqual({ status: 'completed', lines: 0 });
    // Completed in the statement that writes the orders (issue 14), with its event as completeCart records it.
    const [event] = await t.sql(`SELECT payload FROM outbox WHERE type = 'cart.updated' AND payload->>'cartId' = $1 ORDER BY id DESC LIMIT 1`, [cartUuid]);
    expect(event.payload).toEqual({ cartId: cartUuid, customerId: buyer!.id });
  });

  it('sells exactly the stock to 200 concurrent buyers and refuses the rest cleanly', async () => {
    const scarce = await listing(sellers[0]!, 1500, 10);
    const buyers = await insertCustomers(t, 200);
    const carts = await Promise.all(buyers.map((b) => cartWith(t, b.token, [{ listingId: scarce, quantity: 1 }])));
    const results = await Promise.all(
      buyers.map((b, i) =>
        t.data(CHECKOUT, { input: { cartId: carts[i], shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, b.token),
      ),
    );
    const sold = results.filter((r) => r.checkoutComplete.checkout);
    const refused = results.filter((r) => r.checkoutComplete.userErrors[0]?.code === 'INSUFFICIENT_STOCK');
    expect(sold).toHaveLength(10);
    expect(refused).toHaveLength(190);
    expect(await stockOf(scarce)).toBe(0);
    const listingUuid = Buffer.from(scarce, 'base64url').toString().split(':')[1];
    const [counts] = await t.sql(
      `SELECT count(DISTINCT o.id)::int AS orders, count(DISTINCT i.id)::int AS invoices, count(DISTINCT p.id)::int AS payments
         FROM order_line ol JOIN orders o ON o.id = ol.order_id
         LEFT JOIN invoice i ON i.order_id = o.id LEFT JOIN payment p ON p.checkout_id = o.checkout_id
        WHERE ol.listing_id = $1`,
      [listingUuid],
    );
    expect(counts).toEqual({ orders: 10, invoices: 10, payments: 10 });
    const [{ orphans }] = await t.sql(
      `SELECT count(*)::int AS orphans FROM checkout c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.checkout_id = c.id)`,
    );
    expect(orphans).toBe(0);
  });

  it('answers 50 concurrent copies of one request with one checkout', async () => {
    const item = await listing(sellers[1]!, 999, 100);
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: item, quantity: 2 }]);
    const input = { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: 50 }, () => t.data(CHECKOUT, { input }, buyer!.token)));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]!.checkoutComplete.checkout.orders).toHaveLength(1);
    expect(await stockOf(item)).toBe(98);
    const [{ count }] = await t.sql('SELECT count(*)::int AS count FROM checkout WHERE customer_id = $1', [buyer!.id]);
    expect(count).toBe(1);

    const other = await t.data(CHECKOUT, { input: { ...input, shippingAddress: berlin } }, buyer!.token);
    expect(other.checkoutComplete.userErrors).toEqual([
      { field: ['input', 'idempotencyKey'], message: expect.any(String), code: 'IDEMPOTENCY_KEY_REUSED' },
    ]);
  });

  it.each([
    ['tok_declined', 'PAYMENT_DECLINED'],
    ['tok_insufficient_funds', 'INSUFFICIENT_FUNDS'],
    ['tok_network_error', 'PAYMENT_FAILED'],
  ])('rolls everything back when the payment fails (%s), and a retry with a new key succeeds', async (token, code) => {
    const item = await listing(sellers[2]!, 2000, 3);
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: item, quantity: 1 }]);
    const failed = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: token, idempotencyKey: randomUUID() } }, buyer!.token);
    expect(failed.checkoutComplete.checkout).toBeNull();
    expect(failed.checkoutComplete.userErrors[0].code).toBe(code);
    expect(await stockOf(item)).toBe(3);
    const [state] = await t.sql(
      `SELECT (SELECT count(*)::int FROM checkout WHERE customer_id = $1) AS checkouts,
              (SELECT count(*)::int FROM orders WHERE customer_id = $1) AS orders,
              (SELECT count(*)::int FROM invoice WHERE customer_id = $1) AS invoices`,
      [buyer!.id],
    );
    expect(state).toEqual({ checkouts: 0, orders: 0, invoices: 0 });
    const retried = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer!.token);
    expect(retried.checkoutComplete.userErrors).toEqual([]);
    expect(await stockOf(item)).toBe(2);
  });

  it('answers the orders as a later read of the checkout shows them', async () => {
    // The answer's orders are built from what the transaction wrote, not read back after the commit (issue 14).
    const ORDER_FIELDS = `id state placedAt paidAt fulfilledAt deliveredAt cancelledAt cancelReason carrier trackingNumber
      seller { slug } subtotal { amount currency } shipping { amount } discountTotal { amount } tax { amount } total { amount }
      shippingAddress { name line1 line2 city region postalCode country phone } lines { sku quantity }`;
    const a = await listing(sellers[0]!, 1200, 5);
    const b = await listing(sellers[2]!, 800, 5);
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [
      { listingId: a, quantity: 2 },
      { listingId: b, quantity: 1 },
    ]);
    const answered = await t.data(
      `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { id orders { ${ORDER_FIELDS} } } userErrors { code } } }`,
      { input: { cartId, shippingAddress: { ...madrid, line2: '2º B' }, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      buyer!.token,
    );
    const { checkout } = answered.checkoutComplete;
    expect(checkout.orders).toHaveLength(2);
    const read = await t.data(`query ($id: ID!) { node(id: $id) { ... on Checkout { orders { ${ORDER_FIELDS} } } } }`, { id: checkout.id }, buyer!.token);
    expect(checkout.orders).toEqual(read.node.orders);
  });

  it("keeps customers out of each other's carts, checkouts and orders", async () => {
    const item = await listing(sellers[0]!, 700, 10);
    const [alice, bob] = await insertCustomers(t, 2);
    const cartId = await cartWith(t, alice!.token, [{ listingId: item, quantity: 1 }]);
    const stolen = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, bob!.token);
    expect(stolen.checkoutComplete.userErrors[0].code).toBe('NOT_FOUND');
    const mine = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, alice!.token);
    const order = mine.checkoutComplete.checkout.orders[0];
    const q = 'query ($id: ID!) { order(id: $id) { id } node(id: $id) { id } }';
    expect((await t.data(q, { id: order.id }, bob!.token))).toEqual({ order: null, node: null });
    expect((await t.data(q, { id: order.id }, sellers[1]!.key))).toEqual({ order: null, node: null });
    expect((await t.data(q, { id: order.id }, sellers[0]!.key)).order.id).toBe(order.id);
    expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: mine.checkoutComplete.checkout.id }, bob!.token)).node).toBeNull();
    const guessed = Buffer.from(`Order:${randomUUID()}`).toString('base64url');
    expect((await t.data(q, { id: guessed }, alice!.token)).order).toBeNull();
  });
});

describe('buyNow', () => {
  const BUY_NOW = `mutation ($input: BuyNowInput!) {
    buyNow(input: $input) { checkout { id total { amount } orders { id } } userErrors { field code } }
  }`;

  it('buys with one click and numbers 300 concurrent invoices of one seller 1..300', async () => {
    const seller = await createSeller(t);
    await t.data('mutation { sellerUpdate(input: { invoicePrefix: "ONE" }) { userErrors { code } } }', {}, seller.key);
    const item = await listing(seller, 1299, 1000);
    const [buyer] = await insertCustomers(t, 1);
    const results = await Promise.all(
      Array.from({ length: 300 }, () => t.data(BUY_NOW, { input: { listingId: item, quantity: 1, idempotencyKey: randomUUID() } }, buyer!.token)),
    );
    expect(results.every((r) => r.buyNow.userErrors.length === 0)).toBe(true);
    const sellerUuid = Buffer.from(seller.id, 'base64url').toString().split(':')[1];
    const numbers = (await t.sql<{ number: string }>(`SELECT number FROM invoice WHERE seller_id = $1 AND kind = 'invoice' ORDER BY number`, [sellerUuid])).map((r) => r.number);
    const year = new Date().getUTCFullYear();
    expect(numbers).toEqual(Array.from({ length: 300 }, (_, i) => `ONE-${year}-${String(i + 1).padStart(6, '0')}`));
    expect(await stockOf(item)).toBe(700);
  });

  it('asks for a default address and payment method', async () => {
    const item = await listing(sellers[0]!, 500, 5);
    const [buyer] = await insertCustomers(t, 1);
    await t.sql('DELETE FROM customer_address WHERE customer_id = $1', [buyer!.id]);
    const res = await t.data(BUY_NOW, { input: { listingId: item, idempotencyKey: randomUUID() } }, buyer!.token);
    expect(res.buyNow.userErrors).toEqual([{ field: null, code: 'NO_DEFAULT_ADDRESS' }]);
    await t.sql('DELETE FROM payment_method WHERE customer_id = $1', [buyer!.id]);
    const again = await t.data(BUY_NOW, { input: { listingId: item, idempotencyKey: randomUUID() } }, buyer!.token);
    expect(again.buyNow.userErrors).toEqual([{ field: null, code: 'NO_DEFAULT_PAYMENT_METHOD' }]);
    const guest = await t.request(BUY_NOW, { input: { listingId: item, idempotencyKey: randomUUID() } });
    expect(guest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
