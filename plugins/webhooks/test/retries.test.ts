import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhooksPlugin } from '../index';
import { startReceiver, type Receiver } from './receiver';
import { Webhook } from 'standardwebhooks';
import { startPluginTestApp, until, type PluginTestApp, type TestCustomer } from 'zoco/plugin/testing';
import { DELIVERIES, buy, createEndpoint, webhookSeller } from './webhook-fixtures';

/** The tests' receiver listens on 127.0.0.1: the deployment setting that lets webhooks reach it. */
const webhooks = webhooksPlugin({ allowPrivateAddresses: true });

let t: PluginTestApp;
let receiver: Receiver;
let buyer: TestCustomer;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [webhooks] });
  receiver = await startReceiver();
  [buyer] = (await t.customers(1)) as [TestCustomer];
});
afterAll(async () => {
  await receiver.close();
  await t.stop();
});

/** A port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PLUGINS = '{ currentSeller { plugins { plugin status lastError pendingRetries } } }';
const health = async (key: string) => (await t.data(PLUGINS, {}, key)).currentSeller.plugins[0];
const log = async (key: string, vars: Record<string, unknown> = {}) => (await t.data(DELIVERIES, vars, key)).webhookDeliveries.nodes.reverse();

describe('webhook retries', () => {
  it('retries a failing endpoint with backoff until it answers 2xx, logging every attempt', async () => {
    const seller = await webhookSeller(t);
    const endpoint = await createEndpoint(t, seller.key, receiver.url('/flaky'), ['order.paid']);
    receiver.fail('/flaky', Number.POSITIVE_INFINITY);
    await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/flaky').length >= 2, 'two failed attempts');

    // While it fails, the seller sees why.
    await until(async () => (await health(seller.key)).pendingRetries === 1, 'the pending retry');
    expect(await health(seller.key)).toMatchObject({ status: 'FAILING', lastError: expect.stringMatching(/^order\.paid: webhook http:\/\/127\.0\.0\.1:\d+\/flaky: HTTP 500 \(attempt \d of 8\)$/) });

    receiver.fail('/flaky', 0);
    await until(async () => (await log(seller.key)).some((d: any) => d.status === 'SUCCEEDED'), 'a successful attempt');
    const attempts = await log(seller.key);
    const n = attempts.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(attempts.map((d: any) => d.attempt)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(attempts.slice(0, -1).every((d: any) => d.status === 'RETRYING' && d.responseStatus === 500 && d.responseBody === 'receiver down on purpose' && d.error === 'HTTP 500')).toBe(true);
    expect(attempts.at(-1)).toMatchObject({ status: 'SUCCEEDED', responseStatus: 200, error: null });
    expect(new Set(attempts.map((d: any) => d.eventId)).size).toBe(1);

    // The same event each time (one id, the same bytes), freshly signed; the waits double (lower bounds only).
    const calls = receiver.calls('/flaky');
    expect(calls).toHaveLength(n);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    // One webhook-id for every attempt (receivers deduplicate on it), each attempt freshly stamped and signed.
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    for (const c of calls) expect(new Webhook(endpoint.secret).verify(c.body, c.headers as Record<string, string>)).toEqual(c.json);
    for (let i = 1; i < n; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(50 * 2 ** (i - 1) - 5);

    await until(async () => (await health(seller.key)).pendingRetries === 0, 'the retry to clear');
    expect((await health(seller.key)).status).toBe('ACTIVE');
  });

  it('gives up after the seller’s maxAttempts: the last attempt is FAILED and no more calls come', async () => {
    const seller = await webhookSeller(t, { maxAttempts: 3 });
    await createEndpoint(t, seller.key, receiver.url('/down'), ['order.paid']);
    const healthy = await createEndpoint(t, seller.key, receiver.url('/up'), ['order.paid']);
    receiver.fail('/down', Number.POSITIVE_INFINITY);
    await buy(t, buyer, seller.listingId);
    await until(async () => (await log(seller.key)).some((d: any) => d.status === 'FAILED'), 'the last attempt');
    await until(async () => (await health(seller.key)).pendingRetries === 0, 'the host to stop retrying');

    const down = (await log(seller.key)).filter((d: any) => d.url === receiver.url('/down'));
    expect(down.map((d: any) => [d.attempt, d.status, d.responseStatus])).toEqual([
      [1, 'RETRYING', 500],
      [2, 'RETRYING', 500],
      [3, 'FAILED', 500],
    ]);
    // The healthy endpoint got the event once: retries go only to the endpoints still owed it.
    expect(receiver.calls('/up')).toHaveLength(1);
    expect(await log(seller.key, { endpointId: healthy.id })).toEqual([expect.objectContaining({ attempt: 1, status: 'SUCCEEDED' })]);
    expect(receiver.calls('/down')).toHaveLength(3);
    expect(await health(seller.key)).toMatchObject({ status: 'ACTIVE', lastError: expect.stringContaining('HTTP 500 (attempt 2 of 3)') });
    expect(await log(seller.key, { status: 'FAILED' })).toHaveLength(1);

    // Nothing is scheduled any more; a later event still goes out (and fails on its own count).
    await buy(t, buyer, seller.listingId);
    await until(() => receiver.calls('/up').length === 2, 'the next event');
    await until(() => receiver.calls('/down').length >= 4, 'the next event’s first attempt');
  });

  it('counts a timeout or a refused connection as a failed attempt', async () => {
    const seller = await webhookSeller(t, { maxAttempts: 1, timeoutMs: 200 });
    receiver.hang('/slow');
    await createEndpoint(t, seller.key, receiver.url('/slow'), ['order.paid']);
    const closed = `http://127.0.0.1:${await closedPort()}/closed`;
    await createEndpoint(t, seller.key, closed, ['order.paid']);
    await buy(t, buyer, seller.listingId);
    await until(async () => (await log(seller.key)).length === 2, 'both attempts');
    const byUrl = Object.fromEntries((await log(seller.key)).map((d: any) => [d.url, d]));
    expect(byUrl[receiver.url('/slow')]).toMatchObject({ status: 'FAILED', responseStatus: null, error: 'no answer within 200 ms' });
    expect(byUrl[receiver.url('/slow')].durationMs).toBeGreaterThanOrEqual(190);
    expect(byUrl[closed]).toMatchObject({ status: 'FAILED', responseStatus: null, error: 'ECONNREFUSED' });
  });
});
