import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { startPluginTestApp, until, type PluginTestApp, type TestCustomer } from 'zoco/plugin/testing';
import { z } from 'zod';
import { definePlugin } from 'zoco/plugin';
import { webhooksPlugin } from '../index';
import { startReceiver, type Call, type Receiver } from './receiver';
import { verifyWebhook } from './verify-signature';
import { DELIVERIES, buy, createEndpoint, sellerListing, webhookSeller } from './webhook-fixtures';

/** The tests' receiver listens on 127.0.0.1: the deployment setting that lets webhooks reach it. */
const webhooks = webhooksPlugin({ allowPrivateAddresses: true });

/** Another plugin with an event of its own, as co-creation has `co-creation.proposal.approved`. */
const echo = definePlugin({
  name: 'test-echo',
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'Emits test-echo.echoed after order.paid (webhooks tests).',
  config: z.object({}),
  permissions: [],
  emits: ['echoed'],
  on: {
    'order.paid': (event, scope) => {
      const { orderId } = event.payload as { orderId: string };
      // Ids of API objects at any depth, and uuids the API never shows (an internal reference).
      return scope.emit('echoed', { orderId, internalRef: orderId, refs: [orderId, 'kept'], lines: [{ productId: orderId, qty: 1 }] });
    },
  },
});

let t: PluginTestApp;
let receiver: Receiver;
let buyer: TestCustomer;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [webhooks, echo] });
  receiver = await startReceiver();
  [buyer] = (await t.customers(1)) as [TestCustomer];
});
afterAll(async () => {
  await receiver.close();
  await t.stop();
});

const ofType = (path: string, type: string): Call[] => receiver.calls(path).filter((c) => c.json.type === type);

describe('webhook delivery', () => {
  it('POSTs order.placed and order.paid that the standardwebhooks library verifies with the secret shown at creation', async () => {
    const seller = await webhookSeller(t);
    const endpoint = await createEndpoint(t, seller.key, receiver.url('/signed'), ['order.placed', 'order.paid']);
    // Standard Webhooks: whsec_ and the base64 of 24 to 64 random bytes.
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    const keyBytes = Buffer.from(endpoint.secret.slice('whsec_'.length), 'base64').length;
    expect(keyBytes).toBeGreaterThanOrEqual(24);
    expect(keyBytes).toBeLessThanOrEqual(64);
    const orderId = await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/signed').length >= 2, 'two deliveries');

    const calls = receiver.calls('/signed');
    expect(calls.map((c) => c.json.type).sort()).toEqual(['order.paid', 'order.placed']);
    const wh = new Webhook(endpoint.secret);
    for (const call of calls) {
      const headers = call.headers as Record<string, string>;
      // The library checks the id, the timestamp (5 minutes) and the signature, and returns the parsed body.
      expect(wh.verify(call.body, headers)).toEqual(call.json);
      expect(verifyWebhook(call.body, headers, endpoint.secret)).toBe(true);
      expect(() => wh.verify(call.body.replace('"data":{', '"data":{"total":1,'), headers)).toThrow(WebhookVerificationError);
      expect(() => wh.verify(call.body, { ...headers, 'webhook-id': `${headers['webhook-id']}0` })).toThrow(WebhookVerificationError);
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(call.body, headers)).toThrow(WebhookVerificationError);
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(call.headers).toMatchObject({
        'content-type': 'application/json',
        'webhook-id': call.json.id,
        'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
        'zoco-event-type': call.json.type,
      });
      expect(call.json).toEqual({
        id: expect.stringMatching(/^\d+$/),
        type: call.json.type,
        createdAt: expect.any(String),
        data: expect.objectContaining({ orderId, sellerId: seller.id, currency: 'EUR', total: expect.any(Number) }),
      });
      // Sellers never get a buyer's id, nor the checkout that spans sellers.
      expect(call.json.data).not.toHaveProperty('customerId');
      expect(call.json.data).not.toHaveProperty('checkoutId');
    }

    await until(async () => (await t.data(DELIVERIES, {}, seller.key)).webhookDeliveries.nodes.length >= 2, 'the delivery log');
    const log = (await t.data(DELIVERIES, {}, seller.key)).webhookDeliveries.nodes;
    expect(log).toHaveLength(2);
    for (const entry of log) {
      expect(entry).toMatchObject({ endpointId: endpoint.id, attempt: 1, status: 'SUCCEEDED', responseStatus: 200, responseBody: '{"received":true}', error: null });
      expect(entry.endpoint).toEqual({ id: endpoint.id, url: receiver.url('/signed') });
    }
    expect(log.map((e: any) => e.eventId).sort()).toEqual(calls.map((c) => c.json.id).sort());
  });

  it('sends an endpoint only the events it subscribed to', async () => {
    const seller = await webhookSeller(t);
    await createEndpoint(t, seller.key, receiver.url('/everything'), ['*']);
    await createEndpoint(t, seller.key, receiver.url('/orders'), ['order.*']);
    await createEndpoint(t, seller.key, receiver.url('/fulfilled'), ['order.fulfilled']);
    const orderId = await buy(t, buyer, seller.listingId);
    await until(() => ofType('/everything', 'invoice.issued').length === 1 && ofType('/orders', 'order.paid').length === 1, 'the purchase events');
    await t.data(
      'mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { userErrors { code } } }',
      { input: { id: orderId, carrier: 'Correos', trackingNumber: 'PK1' } },
      seller.key,
    );
    await until(() => ofType('/everything', 'order.fulfilled').length === 1 && ofType('/orders', 'order.fulfilled').length === 1, 'order.fulfilled');
    await until(() => receiver.calls('/fulfilled').length === 1, 'order.fulfilled on the narrow endpoint');

    const types = (path: string) => receiver.calls(path).map((c) => c.json.type).sort();
    expect(types('/everything')).toEqual(['invoice.issued', 'order.fulfilled', 'order.paid', 'order.placed']);
    expect(types('/orders')).toEqual(['order.fulfilled', 'order.paid', 'order.placed']);
    expect(types('/fulfilled')).toEqual(['order.fulfilled']);
    expect(ofType('/everything', 'invoice.issued')[0]!.json.data).toMatchObject({ orderId, invoiceId: expect.any(String), number: expect.any(String) });
  });

  it("never delivers one seller's events to another seller's endpoints", async () => {
    const a = await webhookSeller(t);
    const b = await webhookSeller(t);
    const notInstalled = await t.seller();
    const notInstalledListing = await sellerListing(t, notInstalled);
    await createEndpoint(t, a.key, receiver.url('/seller-a'), ['*']);
    await createEndpoint(t, b.key, receiver.url('/seller-b'), ['*']);

    const orderOfA = await buy(t, buyer, a.listingId);
    await buy(t, buyer, notInstalledListing);
    const orderOfB = await buy(t, buyer, b.listingId);
    await until(() => ofType('/seller-b', 'invoice.issued').length === 1 && ofType('/seller-a', 'invoice.issued').length === 1, 'both sellers’ events');

    expect(new Set(receiver.calls('/seller-a').map((c) => c.json.data['orderId']))).toEqual(new Set([orderOfA]));
    expect(new Set(receiver.calls('/seller-b').map((c) => c.json.data['orderId']))).toEqual(new Set([orderOfB]));
    expect(receiver.calls('/seller-a').every((c) => c.json.data['sellerId'] === a.id)).toBe(true);
    const logOfB = (await t.data(DELIVERIES, {}, b.key)).webhookDeliveries.nodes;
    expect(logOfB.every((e: any) => e.url === receiver.url('/seller-b'))).toBe(true);
  });

  it("delivers other plugins' events of the seller too", async () => {
    const seller = await webhookSeller(t);
    await t.data('mutation { pluginInstall(input: { plugin: "test-echo" }) { userErrors { code } } }', {}, seller.key);
    await createEndpoint(t, seller.key, receiver.url('/echo'), ['test-echo.*']);
    const orderId = await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/echo').length === 1, 'the other plugin’s event');
    const uuid = Buffer.from(orderId, 'base64url').toString().split(':')[1];
    expect(receiver.calls('/echo')[0]!.json).toMatchObject({ type: 'test-echo.echoed' });
    // Global IDs only: the API's ids as the API shows them, other raw uuids left out.
    expect(receiver.calls('/echo')[0]!.json.data).toEqual({
      orderId,
      sellerId: seller.id,
      refs: ['kept'],
      lines: [{ productId: Buffer.from(`Product:${uuid}`).toString('base64url'), qty: 1 }],
    });
    expect(receiver.calls('/echo')[0]!.body).not.toContain(uuid);
  });

  it('signs with the new secret after a rotation, and with the old one beside it during the overlap', async () => {
    const seller = await webhookSeller(t);
    const endpoint = await createEndpoint(t, seller.key, receiver.url('/rotated'), ['order.paid']);
    const ROTATE = `mutation ($input: WebhookEndpointSecretRotateInput!) {
      webhookEndpointSecretRotate(input: $input) { endpoint { id previousSecretExpiresAt } secret userErrors { field code } }
    }`;
    const rotated = (await t.data(ROTATE, { input: { id: endpoint.id } }, seller.key)).webhookEndpointSecretRotate;
    expect(rotated.secret).not.toBe(endpoint.secret);
    const expires = new Date(rotated.endpoint.previousSecretExpiresAt).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);

    await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/rotated').length === 1, 'a delivery during the overlap');
    const during = receiver.calls('/rotated')[0]!;
    const duringHeaders = during.headers as Record<string, string>;
    expect(duringHeaders['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(new Webhook(rotated.secret).verify(during.body, duringHeaders)).toEqual(during.json);
    expect(new Webhook(endpoint.secret).verify(during.body, duringHeaders)).toEqual(during.json);

    // A leaked secret: rotate with no overlap, and only the newest signs.
    const urgent = (await t.data(ROTATE, { input: { id: endpoint.id, overlapHours: 0 } }, seller.key)).webhookEndpointSecretRotate;
    expect(urgent.endpoint.previousSecretExpiresAt).toBeNull();
    await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/rotated').length === 2, 'a delivery after the second rotation');
    const after = receiver.calls('/rotated')[1]!;
    const afterHeaders = after.headers as Record<string, string>;
    expect(afterHeaders['webhook-signature']).toMatch(/^v1,\S+$/);
    expect(new Webhook(urgent.secret).verify(after.body, afterHeaders)).toEqual(after.json);
    expect(() => new Webhook(rotated.secret).verify(after.body, afterHeaders)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(endpoint.secret).verify(after.body, afterHeaders)).toThrow(WebhookVerificationError);
  });

  it('stamps each delivery with the current time, so receivers can refuse replays', async () => {
    const seller = await webhookSeller(t);
    const endpoint = await createEndpoint(t, seller.key, receiver.url('/replay'), ['order.paid']);
    await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/replay').length === 1, 'a delivery');
    const call = receiver.calls('/replay')[0]!;
    const id = String(call.headers['webhook-id']);
    const t0 = Number(call.headers['webhook-timestamp']);
    expect(Math.abs(call.at / 1000 - t0)).toBeLessThan(5);
    // The same body correctly signed an hour ago: a replay the tolerance window refuses.
    const old = t0 - 3600;
    const key = Buffer.from(endpoint.secret.slice('whsec_'.length), 'base64');
    const replayed = {
      'webhook-id': id,
      'webhook-timestamp': String(old),
      'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${old}.${call.body}`).digest('base64')}`,
    };
    expect(() => new Webhook(endpoint.secret).verify(call.body, replayed)).toThrow(/timestamp/i);
    expect(verifyWebhook(call.body, replayed, endpoint.secret, 300)).toBe(false);
    expect(verifyWebhook(call.body, replayed, endpoint.secret, 7200)).toBe(true);
  });
});
