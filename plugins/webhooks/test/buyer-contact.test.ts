import { randomUUID } from 'node:crypto';
import { MADRID, startPluginTestApp, until, type PluginTestApp, type TestCustomer } from 'zoco/plugin/testing';
import { webhooksPlugin } from '../index';
import { webhookData } from '../webhook-events';
import { startReceiver, type Receiver } from './receiver';
import { createEndpoint, webhookSeller } from './webhook-fixtures';

let t: PluginTestApp;
let receiver: Receiver;
beforeAll(async () => {
  // The receiver listens on 127.0.0.1: a private address the deployment must allow.
  t = await startPluginTestApp({ plugins: [webhooksPlugin({ allowPrivateAddresses: true })] });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.stop();
});

describe("a buyer's contact details in webhook payloads", () => {
  it('never sends the email or phone of a buyer, even one who consented to share their profile', async () => {
    const seller = await webhookSeller(t);
    await createEndpoint(t, seller.key, receiver.url('/contact'), ['*']);
    const [buyer] = (await t.customers(1)) as [TestCustomer];
    await t.data(
      'mutation { customerConsentsUpdate(input: { source: "test", consents: [{ kind: SHARE_PROFILE_WITH_SELLERS, granted: true }] }) { userErrors { code } } }',
      {},
      buyer.token,
    );
    const phone = '+34 611 222 333';
    const cartId = await t.cart(buyer, [{ listingId: seller.listingId, quantity: 1 }]);
    const res = await t.data(
      `mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { userErrors { code message } } }`,
      { input: { cartId, shippingAddress: { ...MADRID, phone }, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
      buyer.token,
    );
    expect(res.checkoutComplete.userErrors).toEqual([]);
    await until(() => receiver.calls('/contact').length >= 3, 'order.placed, order.paid and invoice.issued');
    const bodies = receiver.calls('/contact').map((c) => c.body);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const body of bodies) {
      expect(body).not.toContain(`${buyer.id}@example.com`);
      expect(body).not.toContain(phone);
      expect(body).not.toMatch(/email|phone/i);
    }
  });

  it('leaves out contact fields an event may carry, at any depth', () => {
    const data = webhookData({
      orderId: '00000000-0000-4000-8000-000000000001',
      customerEmail: 'ana@example.com',
      shippingAddress: { line1: 'Calle Mayor 1', phone: '+34 600 000 000' },
      buyers: [{ name: 'Ana', email: 'ana@example.com' }],
    });
    expect(JSON.stringify(data)).not.toMatch(/email|phone|ana@example/i);
    expect(data).toMatchObject({ shippingAddress: { line1: 'Calle Mayor 1' }, buyers: [{ name: 'Ana' }] });
  });
});
