import { REPORTED_COST } from '../helpers/graphql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const origin = () => new URL(t.app.url).origin;
const getUrl = (query: string) => `${t.app.url}?${new URLSearchParams({ query })}`;
const PREFLIGHTED = { 'apollo-require-preflight': 'true' };
const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(t.app.url, { method: 'POST', headers, body });
const json = (res: Response): Promise<any> => res.json();

describe('GraphQL over HTTP', () => {
  it('answers a query sent with GET', async () => {
    const res = await fetch(getUrl('{ viewer { id } }'), { headers: PREFLIGHTED });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ data: { viewer: null }, extensions: REPORTED_COST });
  });

  it('refuses a mutation sent with GET', async () => {
    const res = await fetch(getUrl('mutation { customerLogin(input: { email: "a@b.co", password: "x" }) { userErrors { code } } }'), {
      headers: PREFLIGHTED,
    });
    expect(res.status).toBe(405);
    const body = await json(res);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toMatch(/only support query operations/);
  });

  it('refuses requests a browser would send cross-site without a preflight (CSRF)', async () => {
    const get = await fetch(getUrl('{ viewer { id } }'));
    const textPlain = await post(JSON.stringify({ query: '{ viewer { id } }' }), { 'content-type': 'text/plain' });
    const noType = await post(new TextEncoder().encode(JSON.stringify({ query: '{ viewer { id } }' })), {});
    for (const res of [get, textPlain, noType]) {
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/CSRF/);
    }
    const named = await fetch(getUrl('query Me { viewer { id } }'), { headers: { 'x-apollo-operation-name': 'Me' } });
    expect(named.status).toBe(200);
  });

  it('answers 400 with a clear message to a malformed JSON body', async () => {
    const res = await post('{"query": "{ viewer { id } }"');
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.errors[0]).toEqual({ message: expect.stringMatching(/not valid JSON/), extensions: { code: 'BAD_REQUEST' } });
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const res = await post(JSON.stringify({ query: `{ viewer { id } } # ${'x'.repeat(1024 * 1024)}` }));
    expect(res.status).toBe(413);
    expect((await json(res)).errors[0].message).toMatch(/1 MiB/);
  });

  it('sends an x-request-id, echoing the one it was given', async () => {
    const given = await post(JSON.stringify({ query: '{ viewer { id } }' }), {
      'content-type': 'application/json',
      'x-request-id': 'req-from-the-edge-42',
    });
    expect(given.headers.get('x-request-id')).toBe('req-from-the-edge-42');
    const generated = await post(JSON.stringify({ query: '{ viewer { id } }' }));
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failures = [await post('{'), await fetch(`${origin()}/nope`), await fetch(`${origin()}/healthz`)];
    for (const res of failures) expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('other paths', () => {
  it('answers 404 outside /graphql', async () => {
    const res = await fetch(`${origin()}/graphiql`);
    expect(res.status).toBe(404);
    expect((await json(res)).error).toMatch(/\/graphql/);
  });

  it('reports liveness and readiness', async () => {
    const health = await fetch(`${origin()}/healthz`);
    expect([health.status, await json(health)]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${origin()}/readyz`);
    expect([ready.status, await json(ready)]).toEqual([200, { status: 'ready' }]);
  });
});

describe('stopping', () => {
  it('refuses connections once stopped', async () => {
    const other = await startTestApp();
    const health = `${new URL(other.app.url).origin}/healthz`;
    expect((await fetch(health)).status).toBe(200);
    await other.stop();
    await expect(fetch(health)).rejects.toThrow(expect.objectContaining({ cause: expect.objectContaining({ code: 'ECONNREFUSED' }) }));
  });
});
