import type { ThrottleConfig } from '../../src/config';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The known-documents path (src/server/known-documents.ts) hands a request to Apollo Server after the throttle's
 * charge when the throttle refuses it or its execution gives errors: Apollo must then answer with that charge and
 * that result, not charge or execute again. A slowly restoring bucket shows every charge in the next answer's
 * `extensions.cost`, so the same sequence of requests must read the same levels, refusals and Retry-After from
 * an app with the path and from one without (fastPaths: false).
 */
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps.splice(0).reverse()) await app.stop();
});

const THROTTLE: Partial<ThrottleConfig> = { bucketSize: 20, restoreRate: 0.001, sellerBucketSize: 1e9, sellerRestoreRate: 1e9 };

async function post(t: TestApp, query: string, address: string) {
  const res = await fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query }),
  });
  // The retry time's hundredths follow the clock (the bucket restores between the two apps' runs).
  const body = (await res.text()).replace(/Retry in [\d.]+ s/, 'Retry in … s').replace(/"retryAfterSeconds":[\d.]+/, '"retryAfterSeconds":…');
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

it('charges, refunds and refuses each request once, as Apollo does, when it hands a request over', async () => {
  const fast = await startTestApp({ throttle: THROTTLE, trustedProxies: ['127.0.0.1'] });
  apps.push(fast);
  const reference = await startTestApp({ throttle: THROTTLE, trustedProxies: ['127.0.0.1'], fastPaths: false }, { sharing: fast });
  apps.push(reference);
  const documents = [
    // An execution error (a malformed cursor): charged 3, refunded down to its actual cost.
    '{ products(first: 2, after: "nope") { nodes { slug } } }',
    // A clean answer: the estimate of 11 charged, all but the connection refunded.
    '{ products(first: 10) { nodes { id } } }',
    '{ viewer { id } }',
  ];
  // Each app has its own client (address), the same sequence: known after the first round, refused at the end.
  const run = async (t: TestApp, address: string) => {
    const answers = [];
    for (let round = 0; round < 8; round++) for (const query of documents) answers.push(await post(t, query, address));
    return answers;
  };
  const withPath = await run(fast, '203.0.113.1');
  const without = await run(reference, '203.0.113.2');
  expect(withPath).toEqual(without);
  expect(withPath.map((a) => a.status)).toContain(429);
  expect(withPath.some((a) => a.status === 200 && a.body.includes('"errors"'))).toBe(true);
});

it('keeps refusing a document another viewer made known, and introspection when it is off, as Apollo does', async () => {
  const fast = await startTestApp({ introspection: false });
  apps.push(fast);
  const reference = await startTestApp({ introspection: false, fastPaths: false }, { sharing: fast });
  apps.push(reference);
  const insights = '{ searchInsights(days: 7) { topQueries { query searches } } }';
  const introspection = '{ __schema { queryType { name } } }';
  const send = async (t: TestApp, query: string, key?: string) => {
    const res = await fetch(t.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = JSON.parse(await res.text());
    // The throttle's level differs between the two apps' clients; what is compared is the answer.
    if (body.extensions?.cost) delete body.extensions.cost.throttleStatus;
    return { status: res.status, body };
  };
  // The operator makes it known (answered twice without errors), then a guest sends the same text twice.
  const run = async (t: TestApp) => [
    await send(t, insights, ADMIN_KEY),
    await send(t, insights, ADMIN_KEY),
    await send(t, insights),
    await send(t, insights),
    await send(t, introspection),
    await send(t, introspection),
  ];
  const withPath = await run(fast);
  expect(withPath).toEqual(await run(reference));
  expect(withPath.map((a) => a.status)).toEqual([200, 200, 200, 200, 400, 400]);
  expect(withPath[3]!.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(withPath[3]!.body.data).toBeUndefined();
});
