import { randomUUID } from 'node:crypto';
import type { CreateAppOptions } from '../../../src/app';
import { createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { startTestApp, type TestApp } from '../../helpers/test-app';

/** A clock the test moves: the app's deadlines and windows read it (AppServices.now). */
export function testClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advanceHours(hours: number) {
      offsetMs += hours * 3_600_000;
    },
    reset() {
      offsetMs = 0;
    },
  };
}

export interface Shop {
  seller: TestSeller;
  listingId: string;
}

export async function startComplaintApp(clock: ReturnType<typeof testClock>, options: CreateAppOptions = {}): Promise<TestApp> {
  return startTestApp({ now: clock.now, eventPollIntervalMs: 50, complaintSweepMs: 100_000, ...options });
}

export async function openShop(t: TestApp, { price = 2500, stock = 100 } = {}): Promise<Shop> {
  const seller = await createSeller(t);
  const product = await createProduct(t, seller.key);
  const listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock });
  return { seller, listingId };
}

export interface Bought {
  id: string;
  uuid: string;
  checkoutId: string;
  lineIds: string[];
}


/** A customer buys `quantity` and the seller ships; `deliver: false` leaves it FULFILLED. */
export async function buy(t: TestApp, shop: Shop, customer: TestCustomer, { quantity = 1, deliver = true } = {}): Promise<Bought> {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id orders { id lines { id } } } userErrors { code message } } }',
    { input: { listingId: shop.listingId, quantity, idempotencyKey: randomUUID() } },
    customer.token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
  const order = res.buyNow.checkout.orders[0];
  const fulfil = await t.data(
    'mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { userErrors { code } } }',
    { input: { id: order.id, carrier: 'Correos', trackingNumber: 'PK1' } },
    shop.seller.key,
  );
  expect(fulfil.orderFulfill.userErrors).toEqual([]);
  if (deliver) {
    const delivered = await t.data('mutation ($input: OrderIdInput!) { orderMarkDelivered(input: $input) { userErrors { code } } }', { input: { id: order.id } }, shop.seller.key);
    expect(delivered.orderMarkDelivered.userErrors).toEqual([]);
  }
  return { id: order.id, uuid: uuidOf(order.id), checkoutId: res.buyNow.checkout.id, lineIds: order.lines.map((l: { id: string }) => l.id) };
}

export const customers = (t: TestApp, n: number) => insertCustomers(t, n);

export const COMPLAINT_FIELDS = `id state reason description desiredResolution resolution sellerDueAt overdue escalatedAt
  lines { quantity orderLine { id sku } } attachments { url contentType }
  history { from to actorRole note at }
  refunds { amount { amount currency } actorRole creditNote { id number kind gross { amount } pdfUrl correctedInvoice { number } lines { description quantity unitPrice { amount } gross { amount } tax { amount } } } }
  return { state instructions receivedAt refundedAt }`;

export const OPEN = `mutation ($input: ComplaintOpenInput!) { complaintOpen(input: $input) { complaint { ${COMPLAINT_FIELDS} } userErrors { field message code } } }`;
export const POST = `mutation ($input: ComplaintMessagePostInput!) { complaintMessagePost(input: $input) { message { authorRole body createdAt } complaint { state } userErrors { field message code } } }`;
export const REFUND = `mutation ($input: ComplaintRefundInput!) { complaintRefund(input: $input) { refund { id amount { amount } creditNote { number } } complaint { ${COMPLAINT_FIELDS} } userErrors { field message code } } }`;
export const REPLACE = `mutation ($input: ComplaintNoteInput!) { complaintReplace(input: $input) { replacementOrder { id state total { amount } lines { quantity unitPrice { amount } } } complaint { ${COMPLAINT_FIELDS} } userErrors { field message code } } }`;
export const RETURN_START = `mutation ($input: ComplaintReturnStartInput!) { complaintReturnStart(input: $input) { complaint { ${COMPLAINT_FIELDS} } userErrors { field message code } } }`;
export const RETURN_RECEIVE = `mutation ($input: ComplaintReturnReceiveInput!) { complaintReturnReceive(input: $input) { refund { amount { amount } creditNote { number } } complaint { ${COMPLAINT_FIELDS} } userErrors { field message code } } }`;
export const REJECT = `mutation ($input: ComplaintNoteInput!) { complaintReject(input: $input) { complaint { state } userErrors { field message code } } }`;
export const ESCALATE = `mutation ($input: ComplaintNoteInput!) { complaintEscalate(input: $input) { complaint { state } userErrors { field message code } } }`;
export const COMPLAINT = `query ($id: ID!) { complaint(id: $id) { ${COMPLAINT_FIELDS} messages(first: 50) { nodes { authorRole body } } } }`;

export async function openComplaint(t: TestApp, customer: TestCustomer, order: Bought, input: Record<string, unknown> = {}) {
  const res = await t.data(
    OPEN,
    { input: { orderId: order.id, reason: 'DAMAGED', description: 'The box arrived crushed.', desiredResolution: 'REFUND', ...input } },
    customer.token,
  );
  expect(res.complaintOpen.userErrors).toEqual([]);
  return res.complaintOpen.complaint;
}

/** What the payments ledger and the test provider say was refunded of the order's checkout. */
export async function refundedOf(t: TestApp, order: Bought): Promise<{ ledger: number; provider: number }> {
  const [p] = await t.app.dataSource.query(
    `SELECT p.refunded_amount AS ledger, (SELECT coalesce(sum(amount), 0)::int FROM test_payment tp WHERE tp.reference = p.provider_ref AND tp.operation = 'refund') AS provider
       FROM payment p WHERE p.checkout_id = $1 AND p.status IN ('captured', 'partially_refunded', 'refunded')`,
    [uuidOf(order.checkoutId)],
  );
  return { ledger: Number(p.ledger), provider: Number(p.provider) };
}

/** The credit-note PDF, fetched like a client. */
export async function pdfOf(t: TestApp, pdfUrl: string, token: string): Promise<Response> {
  return fetch(new URL(pdfUrl, t.app.url), { headers: { authorization: `Bearer ${token}` } });
}
