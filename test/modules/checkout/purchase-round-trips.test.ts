import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { statementCount } from '../../../src/db/data-source';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { cartWith, insertCustomers, madrid, type TestCustomer } from '../../helpers/customers';

let t: TestApp;
let sellers: TestSeller[];

beforeAll(async () => {
  t = await startTestApp();
  sellers = [await createSeller(t), await createSeller(t), await createSeller(t)];
});
afterAll(() => t.stop());

const CART = 'mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } userErrors { code } } }';
const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { checkout { id orders { id lines { sku quantity } } } userErrors { field code } } }`;
/** What the bench asks (bench/checkout.ts): the orders' lines would be one read more, after the purchase. */
const CHECKOUT_ONLY = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { checkout { id orders { id } } userErrors { field code } } }`;
const BUY_NOW = 'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id } userErrors { field code } } }';

async function listing(seller: TestSeller, stock = 100) {
  const product = await createProduct(t, seller.key);
  return createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 1000, currency: 'EUR' }, stock });
}

const uuid = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1]!;
const paymentsOf = async (customer: TestCustomer) =>
  (await t.sql<{ count: number }>('SELECT count(*)::int AS count FROM payment WHERE customer_id = $1', [customer.id]))[0]!.count;

/** The statements the app sent for `run`: the least of three runs, since the events' handlers share the pool and run after a request. */
async function fewestStatements(run: (i: number) => Promise<void>): Promise<number> {
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = statementCount(t.app.dataSource);
    await run(i);
    fewest = Math.min(fewest, statementCount(t.app.dataSource) - start);
  }
  return fewest;
}

describe('the purchase path (issue 14: statements per purchase)', () => {
  it('sends 3 statements per cartCreate, 11 per 3-seller checkoutComplete and 11 per buyNow', async () => {
    const items = [await listing(sellers[0]!), await listing(sellers[1]!), await listing(sellers[2]!)];
    const buyers = await insertCustomers(t, 3);
    const lines = items.map((listingId) => ({ listingId, quantity: 1 }));
    const carts: string[] = [];
    // The session check, the listings' read, and the cart with its lines and events in one statement.
    expect(
      await fewestStatements(async (i) => {
        const res = await t.data(CART, { input: { lines } }, buyers[i]!.token);
        expect(res.cartCreate.userErrors).toEqual([]);
        carts.push(res.cartCreate.cart.id);
      }),
    ).toBe(3);
    expect(
      await fewestStatements(async (i) => {
        const res = await t.data(
          CHECKOUT_ONLY,
          { input: { cartId: carts[i], shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
          buyers[i]!.token,
        );
        expect(res.checkoutComplete.checkout.orders).toHaveLength(3);
      }),
    ).toBe(11);
    expect(
      await fewestStatements(async (i) => {
        const res = await t.data(BUY_NOW, { input: { listingId: items[i], quantity: 1, idempotencyKey: randomUUID() } }, buyers[i]!.token);
        expect(res.buyNow.userErrors).toEqual([]);
      }),
    ).toBe(11);
  });

  it('opens no payment for a retry of a purchase made, and refuses the key for another one', async () => {
    const item = await listing(sellers[0]!);
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: item, quantity: 1 }]);
    const input = { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const first = await t.data(CHECKOUT, { input }, buyer!.token);
    const again = await t.data(CHECKOUT, { input }, buyer!.token);
    expect(again.checkoutComplete.checkout.id).toBe(first.checkoutComplete.checkout.id);
    const reused = await t.data(CHECKOUT, { input: { ...input, shippingAddress: { ...madrid, line1: 'Calle Otra 2' } } }, buyer!.token);
    expect(reused.checkoutComplete.userErrors.map((e: { code: string }) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await paymentsOf(buyer!)).toBe(1);
    const bought = { listingId: item, quantity: 1, idempotencyKey: randomUUID() };
    const one = await t.data(BUY_NOW, { input: bought }, buyer!.token);
    const two = await t.data(BUY_NOW, { input: bought }, buyer!.token);
    expect(two.buyNow.checkout.id).toBe(one.buyNow.checkout.id);
    expect(await paymentsOf(buyer!)).toBe(2);
    const other = await t.data(BUY_NOW, { input: { ...bought, quantity: 2 } }, buyer!.token);
    expect(other.buyNow.userErrors).toEqual([{ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' }]);
    expect(await paymentsOf(buyer!)).toBe(2);
  });

  it('opens no payment when one click lacks a default address', async () => {
    const item = await listing(sellers[1]!);
    const [buyer] = await insertCustomers(t, 1);
    await t.sql('DELETE FROM customer_address WHERE customer_id = $1', [buyer!.id]);
    const res = await t.data(BUY_NOW, { input: { listingId: item, quantity: 1, idempotencyKey: randomUUID() } }, buyer!.token);
    expect(res.buyNow.userErrors).toEqual([{ field: null, code: 'NO_DEFAULT_ADDRESS' }]);
    expect(await paymentsOf(buyer!)).toBe(0);
  });

  it('adds a cart to a customer’s active cart when there is one (cartCreate’s one statement writes nothing then)', async () => {
    const [a, b] = [await listing(sellers[0]!), await listing(sellers[1]!)];
    const [buyer] = await insertCustomers(t, 1);
    const first = await cartWith(t, buyer!.token, [{ listingId: a, quantity: 1 }]);
    const second = await cartWith(t, buyer!.token, [{ listingId: b, quantity: 2 }, { listingId: a, quantity: 1 }]);
    expect(second).toBe(first);
    const lines = await t.sql('SELECT listing_id AS "listingId", quantity FROM cart_line WHERE cart_id = $1 ORDER BY quantity', [uuid(first)]);
    expect(lines).toEqual([
      { listingId: uuid(a), quantity: 2 },
      { listingId: uuid(b), quantity: 2 },
    ]);
    const events = await t.sql<{ type: string }>(`SELECT type FROM outbox WHERE payload->>'cartId' = $1 ORDER BY id`, [uuid(first)]);
    expect(events.map((e) => e.type)).toEqual(['cart.lines_added', 'cart.updated', 'cart.lines_added', 'cart.updated']);
  });

  it('buys the lines a cart change added while its checkout waited for the cart', async () => {
    const [a, b] = [await listing(sellers[0]!), await listing(sellers[2]!)];
    const [buyer] = await insertCustomers(t, 1);
    const cartId = await cartWith(t, buyer!.token, [{ listingId: a, quantity: 1 }]);
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      // A cart change as changeCart makes it: the cart locked, a line added, the cart touched; committed while the checkout waits.
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM cart WHERE id = $1 FOR NO KEY UPDATE', [uuid(cartId)]);
      await db.query('INSERT INTO cart_line (cart_id, listing_id, quantity, price_at_add) VALUES ($1, $2, 3, 1000)', [uuid(cartId), uuid(b)]);
      await db.query('UPDATE cart SET updated_at = now() WHERE id = $1', [uuid(cartId)]);
      const checkout = t.data(
        CHECKOUT,
        { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
        buyer!.token,
      );
      // The checkout must be waiting on this change's transaction (not on anything else on the server) before it commits.
      const blocker = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      let waited = false;
      for (let i = 0; i < 500 && !waited; i++) {
        const [{ waiting }] = await t.sql('SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [blocker]);
        waited = waiting > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waited).toBe(true);
      await db.query('COMMIT');
      const res = (await checkout).checkoutComplete;
      expect(res.userErrors).toEqual([]);
      expect(res.checkout.orders.flatMap((o: any) => o.lines.map((l: any) => l.quantity)).sort()).toEqual([1, 3]);
    } finally {
      await db.end();
    }
  });
});
