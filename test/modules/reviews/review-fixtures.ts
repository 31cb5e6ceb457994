import { randomUUID } from 'node:crypto';
import { cartWith, madrid, type TestCustomer } from '../../helpers/customers';
import type { TestSeller } from '../../helpers/fixtures';
import type { TestApp } from '../../helpers/test-app';

const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { checkout { id orders { id seller { id } lines { id sku } } } userErrors { field message code } }
}`;

export interface BoughtOrder {
  id: string;
  sellerId: string;
  lineIds: string[];
}

/** The customer buys one of each listing in one checkout; returns its orders (one per seller) with their line ids. */
export async function buy(t: TestApp, buyer: TestCustomer, listingIds: string[]): Promise<BoughtOrder[]> {
  const cartId = await cartWith(t, buyer.token, listingIds.map((listingId) => ({ listingId, quantity: 1 })));
  const res = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer.token);
  expect(res.checkoutComplete.userErrors).toEqual([]);
  return res.checkoutComplete.checkout.orders.map((o: any) => ({ id: o.id, sellerId: o.seller.id, lineIds: o.lines.map((l: any) => l.id) }));
}

/** Ships and delivers an order as its seller. */
export async function deliver(t: TestApp, seller: TestSeller, orderId: string): Promise<void> {
  const f = await t.data(
    'mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { userErrors { code } } }',
    { input: { id: orderId, carrier: 'Correos', trackingNumber: 'PK1' } },
    seller.key,
  );
  expect(f.orderFulfill.userErrors).toEqual([]);
  const d = await t.data('mutation ($input: OrderIdInput!) { orderMarkDelivered(input: $input) { userErrors { code } } }', { input: { id: orderId } }, seller.key);
  expect(d.orderMarkDelivered.userErrors).toEqual([]);
}

export const REVIEW_FIELDS = 'id rating title body photos status helpfulCount editCount authorName verifiedPurchase reply { body } product { id } seller { id }';

export const CREATE = `mutation ($input: ReviewCreateInput!) { reviewCreate(input: $input) { review { ${REVIEW_FIELDS} } userErrors { field message code } } }`;

export async function review(t: TestApp, token: string, orderLineId: string, rating: number, extra: Record<string, unknown> = {}) {
  const res = await t.data(CREATE, { input: { orderLineId, rating, title: `${rating} stars`, body: 'As described.', ...extra } }, token);
  expect(res.reviewCreate.userErrors).toEqual([]);
  return res.reviewCreate.review as { id: string; rating: number };
}
