import { randomUUID } from 'node:crypto';
import type { Adjuster } from '../../../src/core/adjustments';
import { defineModule } from '../../../src/core/module';
import { insertCustomers } from '../../helpers/customers';
import { createListing, createProduct, createSeller, uuidOf, type TestSeller } from '../../helpers/fixtures';
import { testPaymentBook } from '../../helpers/payments';
import { startTestApp, type TestApp } from '../../helpers/test-app';

// Issue 3: checkout reads the listings without a lock and takes the stock near its end, only if every
// listing is still as read (place-orders.ts, takeStockAsRead); otherwise it voids that attempt and tries
// again, the third time with the listings locked first. These tests change a listing in the window.

let t: TestApp;
let seller: TestSeller;

/**
 * While armed (`times` > 0), each checkout attempt's adjuster runs `change` on its own connection: after the
 * read, before the stock take. Never in the attempt that locks the listings first: it would wait for itself.
 */
const window: { change: (() => Promise<unknown>) | null; times: number } = { change: null, times: 0 };
const meddler: Adjuster = {
  name: 'test-meddler',
  async adjust(_ctx, group) {
    if (group.phase === 'checkout' && window.change && window.times > 0) {
      window.times--;
      await window.change();
    }
    return { adjustments: [], warnings: [] };
  },
};
const meddle = (change: () => Promise<unknown>, times = 1) => Object.assign(window, { change, times });

beforeAll(async () => {
  t = await startTestApp({ modules: [defineModule({ name: 'test-meddler', entities: [], resolvers: [], adjusters: [meddler] })] });
  seller = await createSeller(t);
});
afterAll(() => t.stop());

async function listing(stock: number, price = 2500): Promise<string> {
  const product = await createProduct(t, seller.key);
  return createListing(t, seller.key, product.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock });
}

const BUY = `mutation ($input: BuyNowInput!) { buyNow(input: $input) {
  checkout { id total { amount } orders { lines { unitPrice { amount } quantity } } } userErrors { code field } } }`;

async function attempts(customerId: string, key: string) {
  const rows = await t.sql<{ status: string; ref: string | null }>(
    `SELECT status, provider_ref AS ref FROM payment WHERE customer_id = $1 AND idempotency_key = $2 ORDER BY created_at`,
    [customerId, key],
  );
  return Promise.all(rows.map(async (r) => ({ status: r.status, book: r.ref ? await testPaymentBook(t.app.dataSource, r.ref) : undefined })));
}

const stockOf = async (listingId: string): Promise<number> => (await t.sql('SELECT stock FROM listing WHERE id = $1', [uuidOf(listingId)]))[0].stock;

describe('the stock taken late', () => {
  it('charges the new price when the price changes after the read, voiding the first authorisation', async () => {
    const listingId = await listing(5, 2500);
    const [buyer] = await insertCustomers(t, 1);
    const key = randomUUID();
    meddle(() => t.sql('UPDATE listing SET price = 3000 WHERE id = $1', [uuidOf(listingId)]));
    const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
    expect(res.buyNow.userErrors).toEqual([]);
    expect(res.buyNow.checkout).toMatchObject({ total: { amount: 3000 + 499 }, orders: [{ lines: [{ unitPrice: { amount: 3000 }, quantity: 1 }] }] });
    expect(await stockOf(listingId)).toBe(4);
    expect(await attempts(buyer!.id, key)).toMatchObject([
      { status: 'voided', book: { amount: 2500 + 499, captures: 0, voided: true } },
      { status: 'captured', book: { amount: 3000 + 499, captured: 3000 + 499, captures: 1 } },
    ]);
    const [{ orders, invoices }] = await t.sql(
      `SELECT count(DISTINCT o.id)::int AS orders, count(DISTINCT i.id)::int AS invoices FROM orders o LEFT JOIN invoice i ON i.order_id = o.id WHERE o.customer_id = $1`,
      [buyer!.id],
    );
    expect({ orders, invoices }).toEqual({ orders: 1, invoices: 1 });
  });

  it('refuses cleanly when the last units sell between the read and the stock take', async () => {
    const listingId = await listing(2);
    const [buyer] = await insertCustomers(t, 1);
    const key = randomUUID();
    meddle(() => t.sql('UPDATE listing SET stock = 1 WHERE id = $1', [uuidOf(listingId)]));
    const res = await t.data(BUY, { input: { listingId, quantity: 2, idempotencyKey: key } }, buyer!.token);
    expect(res.buyNow).toEqual({ checkout: null, userErrors: [{ code: 'INSUFFICIENT_STOCK', field: ['input', 'listingId'] }] });
    expect(await stockOf(listingId)).toBe(1);
    const tried = await attempts(buyer!.id, key);
    expect(tried.map((a) => a.status)).toEqual(['voided', 'failed']);
    expect(await t.sql('SELECT 1 FROM checkout WHERE customer_id = $1', [buyer!.id])).toEqual([]);
  });

  it('refuses a listing archived between the read and the stock take', async () => {
    const listingId = await listing(5);
    const [buyer] = await insertCustomers(t, 1);
    meddle(() => t.sql(`UPDATE listing SET status = 'archived' WHERE id = $1`, [uuidOf(listingId)]));
    const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: randomUUID() } }, buyer!.token);
    expect(res.buyNow.userErrors).toEqual([{ code: 'LISTING_UNAVAILABLE', field: ['input', 'listingId'] }]);
    expect(await stockOf(listingId)).toBe(5);
  });

  it('locks the listings first on the third attempt when the price changed during the first two', async () => {
    const listingId = await listing(5, 2000);
    const [buyer] = await insertCustomers(t, 1);
    const key = randomUUID();
    let price = 2000;
    meddle(() => {
      price += 100;
      return t.sql('UPDATE listing SET price = $2 WHERE id = $1', [uuidOf(listingId), price]);
    }, 2);
    const res = await t.data(BUY, { input: { listingId, quantity: 2, idempotencyKey: key } }, buyer!.token);
    expect(res.buyNow.userErrors).toEqual([]);
    expect(res.buyNow.checkout.orders[0].lines).toEqual([{ unitPrice: { amount: 2200 }, quantity: 2 }]);
    expect((await attempts(buyer!.id, key)).map((a) => [a.status, a.book?.amount])).toEqual([
      ['voided', 2 * 2000 + 499],
      ['voided', 2 * 2100 + 499],
      ['captured', 2 * 2200 + 499],
    ]);
    expect(await stockOf(listingId)).toBe(3);
  });
});
