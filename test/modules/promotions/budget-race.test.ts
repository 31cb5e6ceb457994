import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createSeller } from '../../helpers/fixtures';
import { cartWith, insertCustomers, madrid } from '../../helpers/customers';
import { CHECKOUT, createPromotion, listingOf, uuidOf } from './promotion-fixtures';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const checkout = (cartId: string, token: string) => t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, token);
const budgetOf = async (id: string) => (await t.sql('SELECT budget, budget_used AS used FROM promotion WHERE id = $1', [uuidOf(id)]))[0];

describe('promotion budgets and limits under concurrency', () => {
  it('gives exactly 10 discounts from a budget for 10 to 50 concurrent checkouts; the rest pay full price with a warning', async () => {
    const s = await createSeller(t);
    const item = await listingOf(t, s, 2000, 1000);
    const promo = await createPromotion(t, s.key, { name: 'First ten', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 500, currency: 'EUR' }, budget: { amount: 5000, currency: 'EUR' } });
    const buyers = await insertCustomers(t, 50);
    const carts = await Promise.all(buyers.map((b) => cartWith(t, b.token, [{ listingId: item.listingId, quantity: 1 }])));
    const results = await Promise.all(buyers.map((b, i) => checkout(carts[i]!, b.token)));
    expect(results.every((r) => r.checkoutComplete.userErrors.length === 0)).toBe(true);
    const discounted = results.filter((r) => r.checkoutComplete.checkout.orders[0].discountTotal.amount === 500);
    const full = results.filter((r) => r.checkoutComplete.checkout.orders[0].discountTotal.amount === 0);
    expect(discounted).toHaveLength(10);
    expect(full).toHaveLength(40);
    expect(full.every((r) => r.checkoutComplete.warnings.some((w: any) => w.code === 'PROMOTION_BUDGET_EXHAUSTED'))).toBe(true);
    expect(discounted.every((r) => r.checkoutComplete.checkout.total.amount === 1500 + (r.checkoutComplete.checkout.orders[0].total.amount - 1500))).toBe(true);
    expect(await budgetOf(promo.id)).toEqual({ budget: 5000, used: 5000 });
    const [{ n, sum }] = await t.sql('SELECT count(*)::int AS n, sum(amount)::int AS sum FROM promotion_redemption WHERE promotion_id = $1 AND reversed_at IS NULL', [uuidOf(promo.id)]);
    expect({ n, sum }).toEqual({ n: 10, sum: 5000 });
    // The payments charged the discounted totals.
    const [{ mismatched }] = await t.sql(
      `SELECT count(*)::int AS mismatched FROM checkout c JOIN payment p ON p.checkout_id = c.id
        WHERE c.id = ANY($1::uuid[]) AND p.amount <> (SELECT sum(o.total) FROM orders o WHERE o.checkout_id = c.id)`,
      [results.map((r) => uuidOf(r.checkoutComplete.checkout.id))],
    );
    expect(mismatched).toBe(0);

    // Cancelling a discounted order gives its 500 back to the budget, and its credit note reverses the discount.
    const order = discounted[0]!.checkoutComplete.checkout.orders[0];
    const cancelled = await t.data(
      `mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { state creditNotes { gross { amount } lines { description gross { amount } } } } userErrors { code } } }`,
      { input: { id: order.id } },
      buyers[results.indexOf(discounted[0]!)]!.token,
    );
    expect(cancelled.orderCancel.userErrors).toEqual([]);
    const note = cancelled.orderCancel.order.creditNotes[0];
    expect(note.gross.amount).toBe(-order.total.amount);
    expect(note.lines.find((l: any) => l.description === 'First ten').gross.amount).toBe(500);
    expect(await budgetOf(promo.id)).toEqual({ budget: 5000, used: 4500 });
  });

  it('holds two sellers\' budgets across 30 concurrent two-seller checkouts, their carts listing the sellers in either order', async () => {
    const [a, b] = [await createSeller(t), await createSeller(t)];
    const [itemA, itemB] = [await listingOf(t, a, 2000, 1000), await listingOf(t, b, 3000, 1000)];
    // Budgets for 5 and 7 discounts: each checkout locks both promotions, in one order whatever its cart's.
    const promoA = await createPromotion(t, a.key, { name: 'A five', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 300, currency: 'EUR' }, budget: { amount: 1500, currency: 'EUR' } });
    const promoB = await createPromotion(t, b.key, { name: 'B seven', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 200, currency: 'EUR' }, budget: { amount: 1400, currency: 'EUR' } });
    const buyers = await insertCustomers(t, 30);
    const lines = (i: number) => {
      const both = [
        { listingId: itemA.listingId, quantity: 1 },
        { listingId: itemB.listingId, quantity: 1 },
      ];
      return i % 2 ? both.reverse() : both;
    };
    const carts = await Promise.all(buyers.map((buyer, i) => cartWith(t, buyer.token, lines(i))));
    const results = await Promise.all(
      buyers.map((buyer, i) =>
        t.data(
          `mutation ($input: CheckoutCompleteInput!) {
            checkoutComplete(input: $input) { checkout { orders { seller { id } discountTotal { amount } } } userErrors { code } }
          }`,
          { input: { cartId: carts[i]!, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
          buyer.token,
        ),
      ),
    );
    expect(results.every((r) => r.checkoutComplete.userErrors.length === 0)).toBe(true);
    const discountsOf = (sellerId: string) =>
      results.map((r) => r.checkoutComplete.checkout.orders.find((o: any) => o.seller.id === sellerId).discountTotal.amount);
    expect(discountsOf(a.id).filter((d) => d === 300)).toHaveLength(5);
    expect(discountsOf(a.id).filter((d) => d === 0)).toHaveLength(25);
    expect(discountsOf(b.id).filter((d) => d === 200)).toHaveLength(7);
    expect(discountsOf(b.id).filter((d) => d === 0)).toHaveLength(23);
    expect(await budgetOf(promoA.id)).toEqual({ budget: 1500, used: 1500 });
    expect(await budgetOf(promoB.id)).toEqual({ budget: 1400, used: 1400 });
    const redeemed = await t.sql(
      `SELECT promotion_id AS id, count(*)::int AS n, sum(amount)::int AS sum FROM promotion_redemption
        WHERE promotion_id = ANY($1::uuid[]) AND reversed_at IS NULL GROUP BY promotion_id ORDER BY sum`,
      [[uuidOf(promoA.id), uuidOf(promoB.id)]],
    );
    expect(redeemed).toEqual([
      { id: uuidOf(promoB.id), n: 7, sum: 1400 },
      { id: uuidOf(promoA.id), n: 5, sum: 1500 },
    ]);
  });

  it('holds a per-customer limit of one across 10 concurrent checkouts of the same customer', async () => {
    const s = await createSeller(t);
    const items = await Promise.all(Array.from({ length: 10 }, () => listingOf(t, s, 1000)));
    const promo = await createPromotion(t, s.key, { name: 'Once each', percentOff: 10, perCustomerLimit: 1 });
    const [buyer] = await insertCustomers(t, 1);
    // One customer has one active cart: the ten checkouts are buyNow (no cart), run at once.
    const results = await Promise.all(
      items.map((item) =>
        t.data(
          `mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { discountTotal { amount } } } warnings { code } userErrors { code } } }`,
          { input: { listingId: item.listingId, quantity: 1, idempotencyKey: randomUUID() } },
          buyer!.token,
        ),
      ),
    );
    expect(results.every((r) => r.buyNow.userErrors.length === 0)).toBe(true);
    const discounted = results.filter((r) => r.buyNow.checkout.orders[0].discountTotal.amount === 100);
    expect(discounted).toHaveLength(1);
    expect(results.filter((r) => r.buyNow.warnings.some((w: any) => w.code === 'PROMOTION_LIMIT_REACHED'))).toHaveLength(9);
    const [{ n }] = await t.sql('SELECT count(*)::int AS n FROM promotion_redemption WHERE promotion_id = $1', [uuidOf(promo.id)]);
    expect(n).toBe(1);
  });
});
