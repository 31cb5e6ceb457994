import { randomUUID } from 'node:crypto';
import type { PluginTestApp as TestApp, TestCustomer, TestSeller } from 'zoco/plugin/testing';

export const INSTALL = `mutation ($input: PluginInstallInput!) {
  pluginInstall(input: $input) { installation { plugin config } userErrors { field message code } }
}`;
export const CREATE = `mutation ($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { endpoint { id url events active } secret userErrors { field message code } }
}`;
export const DELIVERIES = `query ($endpointId: ID, $eventId: String, $status: WebhookDeliveryStatus, $first: Int = 50, $after: String) {
  webhookDeliveries(endpointId: $endpointId, eventId: $eventId, status: $status, first: $first, after: $after) {
    nodes { id endpointId eventId eventType attempt status responseStatus responseBody error durationMs url endpoint { id url } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A seller that installed the webhooks plugin (with `config`) and sells one listing. */
export async function webhookSeller(t: TestApp, config: Record<string, unknown> = {}): Promise<TestSeller & { listingId: string }> {
  const seller = await t.seller();
  const res = await t.data(INSTALL, { input: { plugin: 'webhooks', config } }, seller.key);
  expect(res.pluginInstall.userErrors).toEqual([]);
  return { ...seller, listingId: await sellerListing(t, seller) };
}

export async function sellerListing(t: TestApp, seller: TestSeller): Promise<string> {
  return (await t.listing(seller, { price: 1500, stock: 1000 })).listingId;
}

export async function createEndpoint(t: TestApp, key: string, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const res = await t.data(CREATE, { input: { url, events } }, key);
  expect(res.webhookEndpointCreate.userErrors).toEqual([]);
  return { id: res.webhookEndpointCreate.endpoint.id, secret: res.webhookEndpointCreate.secret };
}

/** buyNow of one unit: the seller's order.placed, order.paid and invoice.issued follow. */
export async function buy(t: TestApp, customer: TestCustomer, listingId: string): Promise<string> {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code message } } }',
    { input: { listingId, quantity: 1, idempotencyKey: randomUUID() } },
    customer.token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
  return res.buyNow.checkout.orders[0].id;
}

