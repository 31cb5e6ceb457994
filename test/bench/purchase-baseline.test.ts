import { randomUUID } from 'node:crypto';
import { startPurchaseBaseline, type PurchaseBaseline } from '../../bench/purchase-baseline-server';
import { toGlobalId } from '../../src/core/global-id';
import { insertCustomers, madrid } from '../helpers/customers';
import { startTestApp, type TestApp } from '../helpers/test-app';

// bench:checkout's purchase ceiling (issue 14) is only a ceiling if the plain-SQL baseline makes the same purchase:
// the same rows on the same tables as zoco's checkoutComplete and buyNow, bought here side by side by one buyer.

let t: TestApp;
let baseline: PurchaseBaseline;
let buyer: { id: string; token: string };
/** One listing of each of three sellers (a 3-seller cart), with stock. */
let listings: string[];

beforeAll(async () => {
  t = await startTestApp({}, { seed: 'small' });
  baseline = await startPurchaseBaseline({ databaseUrl: t.databaseUrl, jwtSecret: t.app.config.jwtSecret, currency: t.app.config.currency, events: true });
  [buyer] = (await insertCustomers(t, 1)) as [{ id: string; token: string }];
  const rows = await t.sql<{ id: string }>(
    `SELECT id FROM (
       SELECT l.id, row_number() OVER (PARTITION BY l.seller_id ORDER BY l.id) AS n
         FROM listing l JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id
        WHERE s.status = 'active' AND p.status = 'active' AND l.status = 'active' AND s.address IS NOT NULL) x
      WHERE n = 1 ORDER BY id LIMIT 3`,
  );
  listings = rows.map((r) => r.id);
  await t.sql('UPDATE listing SET stock = 100 WHERE id = ANY($1)', [listings]);
});
afterAll(async () => {
  await baseline?.close();
  await t?.stop();
});

async function post(path: string, body: object, token = buyer.token): Promise<any> {
  const res = await fetch(`${baseline.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

const lines = () => listings.map((id) => ({ listingId: toGlobalId('Listing', id), quantity: 1 }));

async function checkoutIdOf(key: string): Promise<string> {
  return (await t.sql('SELECT id FROM checkout WHERE customer_id = $1 AND idempotency_key = $2', [buyer.id, key]))[0].id;
}

/**
 * Everything a purchase wrote, its own ids (checkout, orders, invoices, cart, payment) replaced by their place, and
 * the invoices' sequence numbers apart (each side takes the next one).
 */
async function written(checkoutId: string) {
  const [checkout] = await t.sql(`SELECT customer_id, total, currency, cart_id FROM checkout WHERE id = $1`, [checkoutId]);
  const orders = await t.sql(
    `SELECT id, seller_id, customer_id, state, currency, subtotal, shipping, discount, surcharge, tax, total, shipping_address,
            paid_at IS NOT NULL AND paid_at = placed_at AS paid
       FROM orders WHERE checkout_id = $1 ORDER BY seller_id`,
    [checkoutId],
  );
  const orderIds = orders.map((o) => o.id);
  const orderLines = await t.sql(
    `SELECT l.order_id, l.listing_id, l.product_id, l.variant_id, l.title, l.variant_title, l.sku, l.quantity, l.unit_price, l.total, l.tax_class,
            l.position, l.discount, l.options
       FROM order_line l JOIN orders o ON o.id = l.order_id WHERE l.order_id = ANY($1) ORDER BY o.seller_id, l.position`,
    [orderIds],
  );
  const adjustments = await t.sql(`SELECT count(*)::int AS n FROM order_adjustment WHERE order_id = ANY($1)`, [orderIds]);
  const invoices = await t.sql(
    `SELECT id, seller_id, order_id, customer_id, kind, series, year, sequence, number, issuer, buyer, lines, currency, net, tax, gross, reverse_charge
       FROM invoice WHERE order_id = ANY($1) ORDER BY seller_id`,
    [orderIds],
  );
  const [payment] = await t.sql(
    `SELECT id, status, amount, currency, provider, refunded_amount, provider_ref FROM payment WHERE checkout_id = $1`,
    [checkoutId],
  );
  const provider = await t.sql(
    `SELECT operation, outcome, amount, currency FROM test_payment WHERE reference = $1 ORDER BY operation`,
    [payment.provider_ref],
  );
  const events = await t.sql(
    `SELECT type, payload FROM outbox WHERE payload->>'orderId' = ANY($1::text[]) OR payload->>'cartId' = $2 ORDER BY id`,
    [orderIds, checkout.cart_id ?? ''],
  );
  const cart = checkout.cart_id
    ? (await t.sql(`SELECT c.status, (SELECT count(*)::int FROM cart_line l WHERE l.cart_id = c.id) AS lines FROM cart c WHERE c.id = $1`, [checkout.cart_id]))[0]
    : null;
  const own = [checkoutId, checkout.cart_id, payment.id, payment.provider_ref, ...orderIds, ...invoices.map((i) => i.id)].filter(Boolean) as string[];
  const sequences = invoices.map((i) => ({ sellerId: i.seller_id, sequence: i.sequence }));
  let text = JSON.stringify({
    checkout,
    orders,
    orderLines,
    adjustments,
    invoices: invoices.map(({ sequence: _s, ...i }) => i),
    payment,
    provider,
    events,
    cart,
  });
  for (const [i, id] of own.entries()) text = text.replaceAll(id, `<own ${i}>`);
  // Invoice numbers (in the invoices and their events) end in the sequence: compared apart.
  text = text.replace(/(-\d{4})-\d{6,}"/g, '$1-n"');
  return { rows: JSON.parse(text), sequences };
}

const stockOf = async () => (await t.sql<{ stock: number }>('SELECT stock FROM listing WHERE id = ANY($1) ORDER BY id', [listings])).map((r) => r.stock);

describe('the purchase baseline of bench:checkout', () => {
  it('writes the rows zoco writes for a 3-seller cart checkout', async () => {
    const stock = await stockOf();
    const zocoCart = await t.data(
      'mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } userErrors { code } } }',
      { input: { lines: lines() } },
      buyer.token,
    );
    expect(zocoCart.cartCreate.userErrors).toEqual([]);
    const zocoKey = randomUUID();
    const zoco = await t.data(
      'mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { id } userErrors { code } } }',
      { input: { cartId: zocoCart.cartCreate.cart.id, paymentToken: 'tok_visa', idempotencyKey: zocoKey, shippingAddress: madrid } },
      buyer.token,
    );
    expect(zoco.checkoutComplete.userErrors).toEqual([]);

    const cart = await post('/cart', { lines: lines() });
    expect(cart.status).toBe(200);
    const key = `baseline-${randomUUID()}`;
    const done = await post('/checkout', { cartId: cart.cartId, paymentToken: 'tok_visa', idempotencyKey: key, shippingAddress: madrid });
    expect(done).toMatchObject({ status: 200, orderIds: [expect.any(String), expect.any(String), expect.any(String)] });

    const theirs = await written(await checkoutIdOf(zocoKey));
    const ours = await written(await checkoutIdOf(key));
    expect(ours.rows.orders).toHaveLength(3);
    expect(ours.rows.provider.map((p: { operation: string }) => p.operation)).toEqual(['authorize', 'capture']);
    expect(ours.rows.events.map((e: { type: string }) => e.type)).toEqual([
      'cart.lines_added',
      'cart.updated',
      'cart.updated',
      ...['order.placed', 'order.paid', 'order.placed', 'order.paid', 'order.placed', 'order.paid'],
      ...['invoice.issued', 'invoice.issued', 'invoice.issued'],
    ]);
    expect(ours.rows.cart).toEqual({ status: 'completed', lines: 0 });
    expect(ours.rows).toEqual(theirs.rows);
    // Each seller's next number: gapless across both.
    expect(ours.sequences).toEqual(theirs.sequences.map((s) => ({ ...s, sequence: s.sequence + 1 })));
    expect(await stockOf()).toEqual(stock.map((s) => s - 2));
  });

  it('writes the rows zoco writes for a buyNow with the saved card and address', async () => {
    const listingId = toGlobalId('Listing', listings[0]!);
    const before = (await stockOf())[0]!;
    const zocoKey = randomUUID();
    const zoco = await t.data(
      'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id } userErrors { code } } }',
      { input: { listingId, idempotencyKey: zocoKey } },
      buyer.token,
    );
    expect(zoco.buyNow.userErrors).toEqual([]);
    const key = `baseline-${randomUUID()}`;
    expect(await post('/buy-now', { listingId, idempotencyKey: key })).toMatchObject({ status: 200 });

    const theirs = await written(await checkoutIdOf(zocoKey));
    const ours = await written(await checkoutIdOf(key));
    expect(ours.rows.orders).toHaveLength(1);
    expect(ours.rows).toEqual(theirs.rows);
    expect(ours.sequences).toEqual(theirs.sequences.map((s) => ({ ...s, sequence: s.sequence + 1 })));
    expect((await stockOf())[0]).toBe(before - 2);
  });

  it('answers a retry with the checkout made, and refuses what zoco refuses', async () => {
    const listingId = toGlobalId('Listing', listings[1]!);
    const key = `baseline-${randomUUID()}`;
    const first = await post('/buy-now', { listingId, idempotencyKey: key });
    expect(await post('/buy-now', { listingId, idempotencyKey: key })).toEqual({ status: 200, checkoutId: first.checkoutId, replayed: true });
    expect(await post('/buy-now', { listingId: toGlobalId('Listing', listings[2]!), idempotencyKey: key })).toEqual({ status: 409, error: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await post('/buy-now', { listingId, idempotencyKey: randomUUID() }, 'not-a-token')).toEqual({ status: 401, error: 'UNAUTHENTICATED' });
    await t.sql('UPDATE listing SET stock = 0 WHERE id = $1', [listings[1]]);
    expect(await post('/buy-now', { listingId, idempotencyKey: randomUUID() })).toEqual({ status: 409, error: 'INSUFFICIENT_STOCK' });
    const [{ failed }] = await t.sql(`SELECT count(*)::int AS failed FROM payment WHERE customer_id = $1 AND status = 'failed'`, [buyer.id]);
    expect(failed).toBe(1);
  });
});
