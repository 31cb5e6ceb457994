import { loadConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../helpers/test-app';

const SHOP = 'https://shop.example.com';
const OTHER = 'https://evil.example.net';

let listed: TestApp;
let open: TestApp;
let prod: TestApp;
beforeAll(async () => {
  listed = await startTestApp({ corsOrigins: [SHOP, 'http://localhost:5173'] });
  open = await startTestApp();
  prod = await startTestApp({ env: 'production' }, { sharing: listed });
});
afterAll(async () => {
  await prod.stop();
  await open.stop();
  await listed.stop();
});

const base = (t: TestApp) => t.app.url.replace(/\/graphql$/, '');
const preflight = (t: TestApp, path: string, origin: string, method = 'POST', headers = 'authorization, content-type') =>
  fetch(`${base(t)}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
const post = (t: TestApp, origin: string) =>
  fetch(t.app.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));

describe('CORS with listed origins', () => {
  it('answers a preflight of /graphql from a listed origin with credentials', async () => {
    const res = await preflight(listed, '/graphql', SHOP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight', 'x-request-id', 'x-visitor-id']));
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('answers a preflight of an invoice PDF with GET and HEAD', async () => {
    const res = await preflight(listed, '/invoices/abc.pdf', 'http://localhost:5173', 'GET', 'authorization');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
  });

  it('lets a listed origin read the answer of a JSON POST (Apollo’s CSRF prevention passes it) and its exposed headers', async () => {
    const res = await post(listed, SHOP);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { __typename: 'Query' } });
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id, retry-after');
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets a listed origin GET with the preflight header', async () => {
    const res = await fetch(`${listed.app.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: SHOP, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('gives another origin no CORS headers, on the preflight and the answer', async () => {
    const pre = await preflight(listed, '/graphql', OTHER);
    expect(pre.status).toBe(204);
    expect(corsHeaders(pre)).toEqual([]);
    const res = await post(listed, OTHER);
    expect(corsHeaders(res)).toEqual([]);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('offers other paths to no origin', async () => {
    expect(corsHeaders(await preflight(listed, '/healthz', SHOP))).toEqual([]);
  });
});

describe('CORS defaults', () => {
  it('allows any origin outside production, without credentials', async () => {
    const pre = await preflight(open, '/graphql', OTHER);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const res = await post(open, OTHER);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
  });

  it('allows no origin in production unless ZOCO_CORS_ORIGINS lists it', async () => {
    expect(corsHeaders(await preflight(prod, '/graphql', SHOP))).toEqual([]);
    expect(corsHeaders(await post(prod, SHOP))).toEqual([]);
  });

  it('reads ZOCO_CORS_ORIGINS: * or exact origins', () => {
    const production = { NODE_ENV: 'production', ZOCO_JWT_SECRET: 'x'.repeat(32), ZOCO_ADMIN_KEY: 'y'.repeat(24), DATABASE_URL: 'postgres://db/zoco' };
    expect(loadConfig(production).corsOrigins).toEqual([]);
    expect(loadConfig({}).corsOrigins).toBe('*');
    expect(loadConfig({ ...production, ZOCO_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ ZOCO_CORS_ORIGINS: 'https://Shop.example.com, http://localhost:3000' }).corsOrigins).toEqual([
      'https://shop.example.com',
      'http://localhost:3000',
    ]);
    expect(() => loadConfig({ ZOCO_CORS_ORIGINS: 'https://shop.example.com/path' })).toThrow(/ZOCO_CORS_ORIGINS/);
    expect(() => loadConfig({ ZOCO_CORS_ORIGINS: 'shop.example.com' })).toThrow(/ZOCO_CORS_ORIGINS/);
  });
});
