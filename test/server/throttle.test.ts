import pino from 'pino';
import { THROTTLE_DEFAULTS, type ThrottleConfig } from '../../src/config';
import { postgresBuckets } from '../../src/server/throttle-store';
import { insertCustomers } from '../helpers/customers';
import { createSeller } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { wsClient, wsRequest, type WsClient } from '../helpers/ws-client';

/** Costs 1 and returns nothing to refund: a guest's viewer is null, a customer's one object. */
const ONE_POINT = '{ viewer { id } }';

const apps: TestApp[] = [];
const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  // Instances that share a database stop before the one that owns it.
  for (const app of apps.splice(0).reverse()) await app.stop();
});

async function start(throttle: Partial<ThrottleConfig>, options: Parameters<typeof startTestApp>[0] = {}, sharing?: TestApp) {
  const app = await startTestApp({ ...options, throttle: { sellerBucketSize: 1e9, sellerRestoreRate: 1e9, ...throttle } }, { sharing });
  apps.push(app);
  return app;
}

function connect(t: TestApp, token?: string) {
  const client = wsClient(t.app.wsUrl, token, { lazy: false });
  clients.push(client);
  return client;
}

async function post(t: TestApp, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, any> };
}

/** Spends a slowly restoring bucket of `size` one point at a time until it refuses. */
async function drain(t: TestApp, headers: Record<string, string> = {}, max = 20) {
  for (let i = 0; i < max; i++) {
    const res = await post(t, ONE_POINT, headers);
    if (res.status === 429) return { ...res, accepted: i };
    expect(res.status).toBe(200);
  }
  throw new Error(`not refused after ${max} requests`);
}

const rateLimited = (res: { body: Record<string, any> }) => res.body['errors']?.[0]?.extensions?.code;

describe('the throttle, with the default buckets', () => {
  it('reports each operation’s cost and the bucket in extensions.cost, over HTTP and WebSocket', async () => {
    const t = await start(THROTTLE_DEFAULTS);
    // An empty catalog: the page's estimate is 11 objects, the answer holds one (the connection); the rest is refunded.
    const http = await post(t, '{ products(first: 10) { nodes { id } } }');
    expect(http.body['extensions']).toEqual({
      cost: {
        requestedQueryCost: 11,
        actualQueryCost: 1,
        throttleStatus: { maximumAvailable: 20_000, currentlyAvailable: 19_999, restoreRate: 1_000 },
      },
    });
    const ws = await wsRequest(connect(t), ONE_POINT);
    expect(ws.extensions).toEqual({
      cost: {
        requestedQueryCost: 1,
        actualQueryCost: 1,
        throttleStatus: { maximumAvailable: 20_000, currentlyAvailable: expect.any(Number), restoreRate: 1_000 },
      },
    });
    const seller = await createSeller(t);
    const keyed = await t.request(ONE_POINT, undefined, seller.key);
    expect(keyed.extensions?.['cost'].throttleStatus).toEqual({ maximumAvailable: 40_000, currentlyAvailable: 39_999, restoreRate: 2_000 });
  });
});

describe('the throttle', () => {
  it('refuses a client whose bucket is empty with RATE_LIMITED, a retry time and HTTP 429', async () => {
    const t = await start({ bucketSize: 3, restoreRate: 0.1 });
    const refused = await drain(t);
    expect(refused.accepted).toBe(3);
    expect(rateLimited(refused)).toBe('RATE_LIMITED');
    const retryAfterSeconds = refused.body['errors'][0].extensions.retryAfterSeconds;
    // One point at 0.1 per second: about ten seconds, less what leaked while the bucket filled.
    expect(retryAfterSeconds).toBeGreaterThan(5);
    expect(retryAfterSeconds).toBeLessThanOrEqual(10);
    expect(refused.retryAfter).toBe(String(Math.ceil(retryAfterSeconds)));
    expect(refused.body['data']).toBeUndefined();
    expect(refused.body['extensions']).toEqual({
      cost: { requestedQueryCost: 1, actualQueryCost: null, throttleStatus: { maximumAvailable: 3, currentlyAvailable: 0, restoreRate: 0.1 } },
    });
  });

  it('refuses over WebSocket with the same error, and keeps the socket open', async () => {
    const t = await start({ bucketSize: 2, restoreRate: 0.1 });
    const client = connect(t);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await wsRequest(client, ONE_POINT));
    expect(results.slice(0, 2).map((r) => r.data)).toEqual([{ viewer: null }, { viewer: null }]);
    const error = results[2]!.errors?.[0];
    expect(error?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
      cost: { requestedQueryCost: 1, actualQueryCost: null, throttleStatus: { maximumAvailable: 2, currentlyAvailable: 0 } },
    });
    expect(client.closeCodes).toEqual([]);
  });

  it('accepts the client again once enough points have leaked out', async () => {
    const t = await start({ bucketSize: 2, restoreRate: 1 });
    const refused = await drain(t);
    const wait = refused.body['errors'][0].extensions.retryAfterSeconds;
    expect(wait).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 20));
    expect((await post(t, ONE_POINT)).status).toBe(200);
  });

  it('charges the actual cost: what an estimate did not use goes back to the bucket', async () => {
    const t = await start({ bucketSize: 20, restoreRate: 0.1 });
    // Estimated at 11, answered with one object (an empty page): without the refunds the second would not fit.
    for (let i = 0; i < 5; i++) {
      const res = await post(t, '{ products(first: 10) { nodes { id } } }');
      expect([res.status, res.body['extensions'].cost.actualQueryCost]).toEqual([200, 1]);
    }
  });

  it('refuses an operation that can never fit in the bucket as QUERY_TOO_COMPLEX, not as a wait', async () => {
    const t = await start({ bucketSize: 5, restoreRate: 1 });
    const res = await post(t, '{ products(first: 10) { nodes { id } } }');
    expect(res.status).toBe(400);
    expect(res.body['errors'][0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.body['errors'][0].message).toMatch(/costs 11 points and a client's bucket holds 5/);
  });

  it('shares a bucket between two instances on one database', async () => {
    const throttle = { bucketSize: 3, restoreRate: 0.1 };
    const a = await start(throttle);
    const b = await start(throttle, {}, a);
    for (let i = 0; i < 3; i++) expect((await post(i % 2 ? b : a, ONE_POINT)).status).toBe(200);
    const refused = await post(b, ONE_POINT);
    expect([refused.status, rateLimited(refused)]).toEqual([429, 'RATE_LIMITED']);
    expect((await post(a, ONE_POINT)).status).toBe(429);
  });

  it('decides concurrent requests as one at a time would: a burst takes exactly what the bucket holds', async () => {
    // The takes of one turn of the event loop go to the database as one statement (throttle-store.ts).
    const t = await start({ bucketSize: 7, restoreRate: 0.01 });
    const results = await Promise.all(Array.from({ length: 20 }, () => post(t, ONE_POINT)));
    const accepted = results.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(7);
    expect(results.filter((r) => r.status === 429).every((r) => rateLimited(r) === 'RATE_LIMITED')).toBe(true);
    // Each accepted one saw the bucket after its own point: 6, 5, ... 0 available, each once.
    const available = accepted.map((r) => r.body['extensions'].cost.throttleStatus.currentlyAvailable).sort();
    expect(available).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('never leaks backwards: a take that waited for a later-started one sees no negative elapsed time', async () => {
    // A batch's statement that started before the one holding the bucket's row lock finds the bucket updated after
    // its own now(): as if (here) 10 s in its future. Counted as elapsed time, -10 s would raise the level by 1.
    const t = await start({ bucketSize: 7, restoreRate: 0.1 });
    await t.sql(`INSERT INTO throttle_bucket (client, level, updated_at, accepted) VALUES ('clock-test', 2, now() + interval '10 seconds', true)`);
    const take = () => t.sql(`SELECT level, accepted FROM throttle_take_many(ARRAY['clock-test'], ARRAY[1::float8], ARRAY[0::float8], ARRAY[7::float8], ARRAY[0.1::float8])`);
    expect(await take()).toEqual([{ level: 3, accepted: true }]);
    const [bucket] = await t.sql(`SELECT updated_at > now() + interval '9 seconds' AS "stillAhead" FROM throttle_bucket WHERE client = 'clock-test'`);
    expect(bucket).toEqual({ stillAhead: true });
  });

  it('keeps each client’s bucket its own within a burst, and two instances’ bursts share it', async () => {
    const throttle = { bucketSize: 4, restoreRate: 0.01 };
    const a = await start(throttle, { trustedProxies: ['127.0.0.1'] });
    const b = await start(throttle, { trustedProxies: ['127.0.0.1'] }, a);
    const from = (address: string) => ({ 'x-forwarded-for': address });
    // Three guests, interleaved, each sending 6 to each instance at once: 4 of each guest's 12 get through.
    const sent = Array.from({ length: 36 }, (_, i) => ({ app: i % 2 ? b : a, address: `10.0.0.${(i % 3) + 1}` }));
    const results = await Promise.all(sent.map(({ app, address }) => post(app, ONE_POINT, from(address)).then((r) => ({ address, status: r.status }))));
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      const statuses = results.filter((r) => r.address === address).map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(4);
      expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    }
  });

  it('forgets buckets idle for an hour, but never one a batch of takes is using', async () => {
    const t = await start({ bucketSize: 10, restoreRate: 1 });
    const buckets = postgresBuckets(t.databaseUrl, pino({ level: 'silent' }));
    const db = t.app.dataSource;
    try {
      await db.query(`INSERT INTO throttle_bucket (client, level, updated_at, accepted) VALUES
        ('ip:192.0.2.1', 1, now() - interval '2 hours', true), ('ip:192.0.2.2', 1, now() - interval '2 hours', true), ('ip:192.0.2.3', 1, now(), true)`);
      // A batch holding 192.0.2.2's row (as a take's transaction does) while the idle buckets are forgotten.
      const runner = db.createQueryRunner();
      await runner.startTransaction();
      await runner.query(`SELECT 1 FROM throttle_bucket WHERE client = 'ip:192.0.2.2' FOR NO KEY UPDATE`);
      await buckets.forgetIdle!();
      await runner.commitTransaction();
      await runner.release();
      const left: { client: string }[] = await db.query('SELECT client FROM throttle_bucket ORDER BY client');
      expect(left.map((r) => r.client)).toEqual(['ip:192.0.2.2', 'ip:192.0.2.3']);
      await buckets.forgetIdle!();
      expect((await db.query('SELECT client FROM throttle_bucket ORDER BY client')).map((r: { client: string }) => r.client)).toEqual(['ip:192.0.2.3']);
    } finally {
      await buckets.close();
    }
  });

  it('gives each customer, seller key and guest address its own bucket', async () => {
    const t = await start({ bucketSize: 2, restoreRate: 0.1 });
    await drain(t);
    const [ana, bea] = await insertCustomers(t, 2);
    const seller = await createSeller(t);
    for (const token of [ana!.token, bea!.token, seller.key]) {
      const res = await t.request(ONE_POINT, undefined, token);
      expect([res.status, res.errors]).toEqual([200, undefined]);
    }
    expect((await t.request(ONE_POINT, undefined, ana!.token)).status).toBe(200);
    expect((await t.request(ONE_POINT, undefined, ana!.token)).status).toBe(429);
    expect((await t.request(ONE_POINT, undefined, bea!.token)).status).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const direct = await start({ bucketSize: 2, restoreRate: 0.1 });
    await drain(direct);
    // A guest cannot buy a fresh bucket by naming another address.
    expect((await post(direct, ONE_POINT, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);

    const proxied = await start({ bucketSize: 2, restoreRate: 0.1 }, { trustedProxies: ['127.0.0.1', '10.0.0.0/8'] });
    const first = await drain(proxied, { 'x-forwarded-for': '203.0.113.7' });
    expect(first.accepted).toBe(2);
    // The rightmost address no trusted proxy vouches for is the client; what it wrote to the left of it is not believed.
    expect((await post(proxied, ONE_POINT, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7, 10.1.2.3' })).status).toBe(429);
    expect((await post(proxied, ONE_POINT, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    expect((await post(proxied, ONE_POINT)).status).toBe(200);
  });

  it('answers a free operation from the level it last saw, without a statement', async () => {
    const t = await start({ bucketSize: 10, restoreRate: 0.1 });
    expect((await post(t, ONE_POINT)).status).toBe(200);
    // Without its table the throttle can charge nothing: only an operation that needs no statement still passes.
    await t.app.dataSource.query('ALTER TABLE throttle_bucket RENAME TO throttle_bucket_gone');
    const free = await post(t, '{ __typename }');
    expect([free.status, free.body['extensions'].cost]).toEqual([
      200,
      { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: { maximumAvailable: 10, currentlyAvailable: 9, restoreRate: 0.1 } },
    ]);
    expect((await post(t, ONE_POINT)).status).not.toBe(200);
    await t.app.dataSource.query('ALTER TABLE throttle_bucket_gone RENAME TO throttle_bucket');
  });

  it('reports the cost without a bucket when the throttle is off', async () => {
    const t = await start({ enabled: false, bucketSize: 1, restoreRate: 0.1 });
    for (let i = 0; i < 3; i++) {
      const res = await post(t, ONE_POINT);
      expect([res.status, res.body['extensions']]).toEqual([200, { cost: { requestedQueryCost: 1, actualQueryCost: 1 } }]);
    }
  });
});

const redisUrl = process.env['ZOCO_TEST_REDIS_URL'];
// Redis is optional on a developer machine; CI's second pass sets ZOCO_TEST_REDIS_URL to the machine's.
(redisUrl ? describe : describe.skip)('the throttle with its buckets in Redis', () => {
  // Test apps share the machine's Redis: each test has buckets of its own.
  const redisApp = async (throttle: Partial<ThrottleConfig>, sharing?: TestApp) =>
    start({ store: 'redis', redisKeyPrefix: `zoco-test:${expect.getState().currentTestName}:${process.pid}:`, ...throttle }, { redisUrl }, sharing);

  it('shares a bucket between two instances, refuses with a retry time, and restores it', async () => {
    const throttle = { bucketSize: 2, restoreRate: 1 };
    const a = await redisApp(throttle);
    const b = await redisApp(throttle, a);
    expect((await post(a, ONE_POINT)).body['extensions'].cost.throttleStatus).toEqual({ maximumAvailable: 2, currentlyAvailable: 1, restoreRate: 1 });
    const refused = await drain(b);
    expect(refused.accepted).toBeLessThanOrEqual(1);
    expect([refused.status, rateLimited(refused)]).toEqual([429, 'RATE_LIMITED']);
    const wait = refused.body['errors'][0].extensions.retryAfterSeconds;
    expect(wait).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 20));
    expect((await post(a, ONE_POINT)).status).toBe(200);
  });

  it('gives back what an estimate did not use', async () => {
    const t = await redisApp({ bucketSize: 20, restoreRate: 0.1 });
    for (let i = 0; i < 5; i++) expect((await post(t, '{ products(first: 10) { nodes { id } } }')).status).toBe(200);
  });
});
