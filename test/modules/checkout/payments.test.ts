import { randomUUID } from 'node:crypto';
import { defineModule } from '../../../src/core/module';
import type { PaymentProvider } from '../../../src/modules/payments';
import { testPaymentBook } from '../../helpers/payments';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers } from '../../helpers/customers';

// Issue 9: the payment is authorised inside the checkout transaction, captured only after it commits,
// and voided when it does not. payment-crash.test.ts kills the process between the steps.

/** Fails the checkout transaction after the payment was authorised, while `failing` is true. */
const failing = { on: false };
const saboteur = defineModule({
  name: 'test-saboteur',
  entities: [],
  resolvers: [],
  listeners: {
    'order.placed': async () => {
      if (failing.on) throw new Error('test: the checkout transaction fails after the authorisation');
    },
  },
});

let t: TestApp;
let seller: TestSeller;
beforeAll(async () => {
  // A quick recovery sweep, for the provider outage below.
  t = await startTestApp({ modules: [saboteur], paymentRecoveryMs: 300 });
  seller = await createSeller(t);
});
afterAll(() => t.stop());


async function listing(stock: number, price = 2500): Promise<string> {
  const product = await createProduct(t, seller.key);
  return createListing(t, seller.key, product.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock });
}

/** While `down`, the test provider refuses captures, as a provider in an outage would. */
const outage = { down: false };
beforeAll(() => {
  const payments = t.app.services.payments as Map<string, PaymentProvider>;
  const provider = payments.get('test')!;
  payments.set('test', {
    ...provider,
    async capture(...args) {
      if (outage.down) throw new Error('test: the provider is unreachable');
      return provider.capture(...args);
    },
  });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
}

const BUY = 'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id total { amount } } userErrors { code field } } }';

/** Every payment attempt made under one customer key, oldest first, with the provider's book of each. */
async function attempts(customerId: string, key: string) {
  const rows = await t.sql<{ status: string; ref: string | null; amount: number; checkoutId: string | null; providerKey: string }>(
    `SELECT status, provider_ref AS ref, amount, checkout_id AS "checkoutId", provider_key AS "providerKey"
       FROM payment WHERE customer_id = $1 AND idempotency_key = $2 ORDER BY created_at`,
    [customerId, key],
  );
  return Promise.all(rows.map(async (r) => ({ ...r, book: r.ref ? await testPaymentBook(t.app.dataSource, r.ref) : undefined })));
}

describe('checkout payments', () => {
  it('authorises in the transaction and captures once, after the commit', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const listingId = await listing(5);
    const key = randomUUID();
    const res = await t.data(BUY, { input: { listingId, quantity: 2, idempotencyKey: key } }, buyer!.token);
    expect(res.buyNow.userErrors).toEqual([]);
    const total = res.buyNow.checkout.total.amount;
    const [attempt, ...more] = await attempts(buyer!.id, key);
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ status: 'captured', amount: total, checkoutId: expect.any(String) });
    expect(attempt!.book).toEqual({ amount: total, captured: total, captures: 1, refunded: 0, voided: false });
    // The provider saw the attempt's key, derived from the customer's key, on every call.
    const keys = await t.sql('SELECT idempotency_key AS key, operation FROM test_payment WHERE reference = $1 ORDER BY created_at', [attempt!.ref]);
    expect(keys).toEqual([
      { key: attempt!.providerKey, operation: 'authorize' },
      { key: `${attempt!.providerKey}_capture`, operation: 'capture' },
    ]);
  });

  it('asks the provider for nothing when the stock is gone (the authorisation comes after the stock is taken)', async () => {
    const [buyer, rival] = await insertCustomers(t, 2);
    const listingId = await listing(1);
    expect((await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: randomUUID() } }, rival!.token)).buyNow.userErrors).toEqual([]);
    const key = randomUUID();
    const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
    expect(res.buyNow).toEqual({ checkout: null, userErrors: [{ code: 'INSUFFICIENT_STOCK', field: ['input', 'listingId'] }] });
    const [attempt] = await attempts(buyer!.id, key);
    expect(attempt).toMatchObject({ status: 'failed', ref: null, checkoutId: null });
    expect(await t.sql('SELECT 1 FROM test_payment WHERE idempotency_key LIKE $1', [`${attempt!.providerKey}%`])).toEqual([]);
  });

  it('voids the authorisation when the transaction fails after it, captures nothing, and a retry with the same key pays once', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const listingId = await listing(5);
    const key = randomUUID();
    failing.on = true;
    try {
      const failed = await t.request(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
      expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      failing.on = false;
    }
    const [voided] = await attempts(buyer!.id, key);
    expect(voided).toMatchObject({ status: 'voided', checkoutId: null, ref: expect.stringMatching(/^pay_/) });
    expect(voided!.book).toMatchObject({ captured: 0, captures: 0, voided: true });
    expect(await t.sql('SELECT 1 FROM checkout WHERE customer_id = $1', [buyer!.id])).toEqual([]);

    const retried = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
    expect(retried.buyNow.userErrors).toEqual([]);
    const [first, second, ...more] = await attempts(buyer!.id, key);
    expect(more).toEqual([]);
    expect(first).toMatchObject({ status: 'voided', book: { captures: 0, voided: true } });
    expect(second).toMatchObject({ status: 'captured', book: { captures: 1, captured: 2500 + 499, voided: false } });
    expect(second!.providerKey).not.toBe(first!.providerKey);
  });

  it('answers retries and concurrent copies of one request with one checkout and one charge', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const listingId = await listing(50);
    const key = randomUUID();
    const input = { listingId, quantity: 1, idempotencyKey: key };
    const copies = await Promise.all(Array.from({ length: 10 }, () => t.data(BUY, { input }, buyer!.token)));
    const again = await t.data(BUY, { input }, buyer!.token);
    const ids = new Set([...copies, again].map((r) => r.buyNow.checkout.id));
    expect(ids.size).toBe(1);
    const all = await attempts(buyer!.id, key);
    const captured = all.filter((a) => a.status === 'captured');
    expect(captured).toHaveLength(1);
    expect(captured[0]!.book).toMatchObject({ captures: 1, captured: 2500 + 499 });
    // The copies that lost the race for the key never reached the provider.
    expect(all.filter((a) => a.status !== 'captured').every((a) => a.status === 'failed' && a.ref === null)).toBe(true);
    const charged = await t.sql(`SELECT count(*)::int AS n FROM test_payment t JOIN payment p ON p.provider_ref = t.reference
                                WHERE p.customer_id = $1 AND t.operation = 'capture'`, [buyer!.id]);
    expect(charged).toEqual([{ n: 1 }]);
  });

  it('fails cleanly, writing no checkout, when its payment attempt was settled before the transaction held it', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const listingId = await listing(5);
    // As if the recovery sweep had settled the pending attempt in the instant before the checkout locked it.
    await t.sql(`CREATE FUNCTION test_settle_at_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.status := 'failed'; RETURN NEW; END $$`);
    await t.sql(`CREATE TRIGGER test_settle_at_once BEFORE INSERT ON payment FOR EACH ROW WHEN (NEW.customer_id = '${buyer!.id}') EXECUTE FUNCTION test_settle_at_once()`);
    try {
      const key = randomUUID();
      const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
      expect(res.buyNow).toEqual({ checkout: null, userErrors: [{ code: 'PAYMENT_FAILED', field: null }] });
      expect(await t.sql('SELECT id FROM checkout WHERE customer_id = $1', [buyer!.id])).toEqual([]);
      const [attempt] = await attempts(buyer!.id, key);
      expect(attempt).toMatchObject({ status: 'failed', checkoutId: null, ref: null });
    } finally {
      await t.sql('DROP TRIGGER test_settle_at_once ON payment');
      await t.sql('DROP FUNCTION test_settle_at_once()');
    }
  });

  it('keeps declined cards a userError that charges nothing', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await t.sql(`UPDATE payment_method SET token = 'tok_declined' WHERE customer_id = $1`, [buyer!.id]);
    const listingId = await listing(5);
    const key = randomUUID();
    const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
    expect(res.buyNow).toEqual({ checkout: null, userErrors: [{ code: 'PAYMENT_DECLINED', field: ['input', 'payment'] }] });
    const [attempt] = await attempts(buyer!.id, key);
    expect(attempt).toMatchObject({ status: 'failed', checkoutId: null });
  });

  it('keeps the purchase when the capture fails after the commit, and the recovery sweep captures it once', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const listingId = await listing(5);
    const key = randomUUID();
    outage.down = true;
    try {
      const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: key } }, buyer!.token);
      expect(res.buyNow.userErrors).toEqual([]);
      expect(await attempts(buyer!.id, key)).toMatchObject([{ status: 'authorized', book: { captures: 0 } }]);
    } finally {
      outage.down = false;
    }
    await until(async () => (await attempts(buyer!.id, key))[0]!.status === 'captured');
    expect(await attempts(buyer!.id, key)).toMatchObject([{ status: 'captured', book: { captured: 2500 + 499, captures: 1 } }]);
  });

  it('captures, then refunds, an order cancelled before its payment was captured', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const listingId = await listing(5);
    const key = randomUUID();
    outage.down = true;
    let orderId: string;
    try {
      const res = await t.data(
        'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code } } }',
        { input: { listingId, quantity: 1, idempotencyKey: key } },
        buyer!.token,
      );
      orderId = res.buyNow.checkout.orders[0].id;
    } finally {
      outage.down = false;
    }
    const cancel = await t.data(
      'mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { state } userErrors { code } } }',
      { input: { id: orderId } },
      buyer!.token,
    );
    expect(cancel.orderCancel).toEqual({ order: { state: 'CANCELLED' }, userErrors: [] });
    expect(await attempts(buyer!.id, key)).toMatchObject([
      { status: 'refunded', book: { captured: 2500 + 499, captures: 1, refunded: 2500 + 499, voided: false } },
    ]);
  });
});
