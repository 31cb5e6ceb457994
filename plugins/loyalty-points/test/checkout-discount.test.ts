import { randomUUID } from 'node:crypto';
import { MADRID, until, type PluginTestApp, type TestCustomer, type TestSeller } from 'zoco/plugin/testing';
import { BALANCES, REDEEM, buy, pointsWith, startLoyaltyMarket, uuidOf } from './loyalty-helpers';

let t: PluginTestApp;
let a: TestSeller;
let b: TestSeller;
let listingA: string;
let listingB: string;
beforeAll(async () => {
  ({ t, a, b, listingA, listingB } = await startLoyaltyMarket({ a: 9000, b: 2000 }, 1));
});
afterAll(() => t.stop());

/** A buyer with 94 points with seller A, 90 of them redeemed (0.90 EUR of credit). */
async function buyerWithCredit(): Promise<TestCustomer> {
  const [buyer] = await t.customers(1);
  await buy(t, buyer!.token, listingA);
  await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 94);
  const res = await t.data(REDEEM, { input: { sellerId: a.id, points: 90 } }, buyer!.token);
  expect(res.loyaltyRedeem.userErrors).toEqual([]);
  return buyer!;
}

const creditWith = async (token: string, sellerId: string) =>
  (await t.data(BALANCES, {}, token)).viewer.loyalty.find((x: any) => x.seller.id === sellerId)?.credit.amount ?? null;

describe('loyalty points at checkout', () => {
  it('takes redeemed points off the next order with that seller only, on the invoice with VAT on the rest', async () => {
    const buyer = await buyerWithCredit();
    const cartId = await t.cart(buyer, [{ listingId: listingA, quantity: 1 }, { listingId: listingB, quantity: 1 }]);
    const cart = (await t.data(`query ($id: ID!) { cart(id: $id) { discountTotal { amount } sellerGroups { seller { id } discountTotal { amount } adjustments { source label amount { amount } } } } }`, { id: cartId }, buyer.token)).cart;
    expect(cart.discountTotal.amount).toBe(90);
    const groupA = cart.sellerGroups.find((g: any) => g.seller.id === a.id);
    expect(groupA.adjustments).toEqual([{ source: 'plugin:loyalty-points', label: 'Loyalty points', amount: { amount: 90 } }]);
    expect(cart.sellerGroups.find((g: any) => g.seller.id === b.id).discountTotal.amount).toBe(0);

    const res = await t.data(
      `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { orders { id seller { id } subtotal { amount } shipping { amount } discountTotal { amount } tax { amount } total { amount } } } userErrors { code } } }`,
      { input: { cartId, shippingAddress: MADRID, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      buyer.token,
    );
    expect(res.checkoutComplete.userErrors).toEqual([]);
    const orderA = res.checkoutComplete.checkout.orders.find((o: any) => o.seller.id === a.id);
    expect(orderA.discountTotal.amount).toBe(90);
    expect(orderA.total.amount).toBe(orderA.subtotal.amount + orderA.shipping.amount - 90);
    expect(await creditWith(buyer.token, a.id)).toBe(0);
    const [invoice] = await t.app.dataSource.query('SELECT lines, tax, gross FROM invoice WHERE order_id = $1', [uuidOf(orderA.id)]);
    expect(Number(invoice.gross)).toBe(orderA.total.amount);
    expect(Number(invoice.tax)).toBe(orderA.tax.amount);
    // 21% inside −0.90: −16 VAT on the discount line.
    expect(invoice.lines.find((l: any) => l.description === 'Loyalty points')).toMatchObject({ gross: -90, vatRate: 2100, tax: -16, net: -74 });

    // Cancelling gives the credit back.
    const cancel = await t.data('mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { userErrors { code } } }', { input: { id: orderA.id } }, buyer.token);
    expect(cancel.orderCancel.userErrors).toEqual([]);
    await until(async () => (await creditWith(buyer.token, a.id)) === 90);
  });

  it('spends the credit once when two checkouts of the same customer race', async () => {
    const buyer = await buyerWithCredit();
    const results = await Promise.all(
      [0, 1, 2, 3].map(() =>
        t.data(
          'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { discountTotal { amount } } } userErrors { code } } }',
          { input: { listingId: listingA, quantity: 1, idempotencyKey: randomUUID() } },
          buyer.token,
        ),
      ),
    );
    expect(results.map((r) => r.buyNow.checkout.orders[0].discountTotal.amount).sort((x, y) => y - x)).toEqual([90, 0, 0, 0]);
    expect(await creditWith(buyer.token, a.id)).toBe(0);
  });
});
