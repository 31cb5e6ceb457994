import { startPluginTestApp, until, uuidOf, type PluginTestApp, type TestCustomer } from 'zoco/plugin/testing';
import { webhooksPlugin } from '../../plugins/webhooks';
import { startReceiver, type Receiver } from '../../plugins/webhooks/test/receiver';
import { buy, createEndpoint, webhookSeller } from '../../plugins/webhooks/test/webhook-fixtures';

/** The receiver listens on 127.0.0.1: the deployment setting that lets webhooks reach it. */
const webhooks = webhooksPlugin({ allowPrivateAddresses: true });

describe('plugin deliveries: a queue per (plugin, seller)', () => {
  let t: PluginTestApp;
  let receiver: Receiver;
  let buyer: TestCustomer;
  beforeAll(async () => {
    // The host's retry backoff (1 s), not the kit's 50 ms.
    t = await startPluginTestApp({ plugins: [webhooks], pluginRetryBaseMs: 1_000 });
    receiver = await startReceiver();
    [buyer] = (await t.customers(1)) as [TestCustomer];
  });
  afterAll(async () => {
    await receiver.close();
    await t.stop();
  });

  it("delivers seller B's webhooks while seller A's endpoint never answers, and holds A's next events behind A's first", async () => {
    const a = await webhookSeller(t, { timeoutMs: 15_000, maxAttempts: 1 });
    const b = await webhookSeller(t);
    await createEndpoint(t, a.key, receiver.url('/a'), ['order.placed', 'order.paid']);
    await createEndpoint(t, b.key, receiver.url('/b'), ['order.placed', 'order.paid']);
    receiver.hang('/a');
    await buy(t, buyer, a.listingId);
    await until(() => receiver.calls('/a').length === 1, "A's first webhook");
    await buy(t, buyer, b.listingId);
    await until(() => receiver.calls('/b').map((c) => c.json.type).includes('order.paid'), "B's order.paid", 5_000);
    // A's endpoint still holds its first call (15 s to answer): its order.paid waits in A's own queue, in order.
    expect(receiver.calls('/a').map((c) => c.json.type)).toEqual(['order.placed']);
    expect(receiver.calls('/b').map((c) => c.json.type)).toEqual(['order.placed', 'order.paid']);
    const [{ queued }] = await t.app.dataSource.query(
      `SELECT count(*)::int AS queued FROM plugin_delivery d JOIN seller s ON s.id = d.seller_id WHERE d.plugin = 'webhooks'`,
    );
    expect(queued).toBeGreaterThanOrEqual(1);
  });

  it("the kit's dispatched() answers once the plugins' queues had the event, not when it was only queued", async () => {
    // E's endpoint never answers: its delivery holds E's queue for the webhook's 1.5 s timeout.
    const e = await webhookSeller(t, { timeoutMs: 1_500, maxAttempts: 1 });
    await createEndpoint(t, e.key, receiver.url('/e'), ['order.placed']);
    receiver.hang('/e');
    const orderId = uuidOf(await buy(t, buyer, e.listingId));
    const event = await t.dispatched('order.placed', (p) => p['orderId'] === orderId);
    const [{ queued }] = await t.app.dataSource.query('SELECT count(*)::int AS queued FROM plugin_delivery WHERE event_id = $1', [event.id]);
    expect(queued).toBe(0);
    expect(receiver.calls('/e').map((c) => c.json.type)).toEqual(['order.placed']);
  });

  it('queues each event once per pair however often it is dispatched (at least once)', async () => {
    const c = await webhookSeller(t);
    await createEndpoint(t, c.key, receiver.url('/c'), ['order.paid']);
    await buy(t, buyer, c.listingId);
    await until(() => receiver.calls('/c').length === 1, "C's order.paid");
    const [event] = await t.app.dataSource.query(`SELECT id, type, payload, created_at AS "createdAt" FROM outbox WHERE type = 'order.paid' ORDER BY id DESC LIMIT 1`);
    // The dispatcher delivers it again (a crash before it marked the event dispatched): one more delivery, not a duplicate row.
    const pluginEvents = t.app.runtime.background!.pluginEvents!;
    await Promise.all([pluginEvents.deliver({ ...event, id: Number(event.id) }), pluginEvents.deliver({ ...event, id: Number(event.id) })]);
    await until(async () => {
      const [{ left }] = await t.app.dataSource.query('SELECT count(*)::int AS left FROM plugin_delivery WHERE event_id = $1', [event.id]);
      return left === 0;
    }, 'the queue to empty');
    expect(receiver.calls('/c').length).toBeLessThanOrEqual(2);
  });
});
