import { statementCount } from '../../src/db/data-source';
import { REPORTED_COST } from '../helpers/graphql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { wsClient, wsRequest, type WsClient } from '../helpers/ws-client';

let t: TestApp;
let ws: WsClient;
beforeAll(async () => {
  t = await startTestApp();
  ws = wsClient(t.app.wsUrl);
});
afterAll(async () => {
  await ws.dispose();
  await t.stop();
});

/** `category { parent { parent … { id } } }`: depth = parents + 2. */
const deep = (parents: number) => `{ category(slug: "none") ${'{ parent '.repeat(parents)}{ id }${' }'.repeat(parents)} }`;
const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
const COSTLY = `{ products(first: 100) { nodes { variants { listings { seller { listings(first: 100) { nodes { sku } } } } } } } }`;

/** The one error of a refused operation; `code` is checked on its own below (see the Apollo test). */
const refused = (message: RegExp) => ({ errors: [expect.objectContaining({ message: expect.stringMatching(message) })] });
const tooComplex = (message: RegExp) => ({
  errors: [expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'QUERY_TOO_COMPLEX' } })],
});
const badInput = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

describe('query limits over HTTP', () => {
  it('refuses a query nested deeper than 12 and accepts one of exactly 12', async () => {
    expect(await t.request(deep(11))).toMatchObject({ status: 400, ...refused(/^Query depth 13 exceeds the maximum of 12\.$/) });
    expect(await t.request(deep(10))).toEqual({ status: 200, data: { category: null }, extensions: REPORTED_COST });
  });

  it('counts depth through fragments', async () => {
    const res = await t.request(`{ category(slug: "none") { ...P } }
      fragment P on Category { parent { parent { parent { parent { parent { ...Q } } } } } }
      fragment Q on Category { parent { parent { parent { parent { parent { parent { id } } } } } } }`);
    expect(res).toMatchObject({ status: 400, ...refused(/depth 13/) });
  });

  it('refuses more than 30 aliases', async () => {
    expect(await t.request(aliased(31))).toMatchObject({ status: 400, ...refused(/31 aliases; the maximum is 30/) });
    expect((await t.request(aliased(30))).errors).toBeUndefined();
  });

  // Fails until src/server/apollo.ts keeps the code: Apollo wraps every validation-rule error in its
  // ValidationError, which overwrites extensions.code with GRAPHQL_VALIDATION_FAILED.
  it('gives depth and alias errors the code QUERY_TOO_COMPLEX, like the cost error', async () => {
    expect(await t.request(deep(11))).toMatchObject(tooComplex(/depth 13/));
    expect(await t.request(aliased(31))).toMatchObject(tooComplex(/31 aliases/));
  });

  it('refuses a too costly query with HTTP 400 before running any SQL', async () => {
    const before = statementCount(t.app.dataSource);
    const res = await t.request(COSTLY);
    expect(res).toMatchObject({ status: 400, ...tooComplex(/^The operation costs \d+; the maximum is 20000\./) });
    expect(res.data).toBeUndefined();
    expect(statementCount(t.app.dataSource)).toBe(before);
    // The counter does count: an affordable query runs SQL.
    expect((await t.request('{ products(first: 5) { nodes { id } } }')).errors).toBeUndefined();
    expect(statementCount(t.app.dataSource)).toBeGreaterThan(before);
  });
});

describe('argument limits', () => {
  it('refuses a page over 100 items', async () => {
    expect(badInput(await t.request('{ products(first: 101) { nodes { id } } }'))).toEqual(['BAD_USER_INPUT']);
    expect(badInput(await t.request('{ products(first: 0) { nodes { id } } }'))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses nodes(ids:) with more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, () => Buffer.from('Product:00000000-0000-4000-8000-000000000000').toString('base64url'));
    const res = await t.request('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(badInput(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toMatch(/At most 100 ids/);
  });

  it('refuses a malformed global ID and a malformed cursor', async () => {
    const id = await t.request('{ product(id: "not-an-id") { id } }');
    expect(badInput(id)).toEqual(['BAD_USER_INPUT']);
    expect(id.errors?.[0]?.message).toMatch(/not a valid Product ID/);
    const wrongType = Buffer.from('Seller:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(badInput(await t.request('query ($id: ID!) { product(id: $id) { id } }', { id: wrongType }))).toEqual(['BAD_USER_INPUT']);
    const cursor = await t.request('{ products(first: 5, after: "garbage") { nodes { id } } }');
    expect(badInput(cursor)).toEqual(['BAD_USER_INPUT']);
    expect(cursor.errors?.[0]?.message).toMatch(/after is not a cursor/);
  });
});

describe('query limits over graphql-ws', () => {
  it('refuses too deep, too aliased and too costly operations', async () => {
    expect(await wsRequest(ws, deep(11))).toMatchObject(tooComplex(/depth 13/));
    expect(await wsRequest(ws, aliased(31))).toMatchObject(tooComplex(/31 aliases/));
    const before = statementCount(t.app.dataSource);
    expect(await wsRequest(ws, COSTLY)).toMatchObject(tooComplex(/costs \d+/));
    expect(statementCount(t.app.dataSource)).toBe(before);
  });

  it('applies the argument limits', async () => {
    expect(badInput(await wsRequest(ws, '{ products(first: 101) { nodes { id } } }'))).toEqual(['BAD_USER_INPUT']);
    expect(await wsRequest(ws, deep(10))).toEqual({ data: { category: null }, extensions: REPORTED_COST });
  });
});

describe('configured limits', () => {
  it('applies the limits the app was started with', async () => {
    const small = await startTestApp({ limits: { maxDepth: 3, maxCost: 50, maxAliases: 2 } });
    try {
      expect(await small.request('{ category(slug: "x") { parent { id } } }')).toEqual({ status: 200, data: { category: null }, extensions: REPORTED_COST });
      expect(await small.request(deep(2))).toMatchObject(refused(/depth 4 exceeds the maximum of 3/));
      expect(await small.request(aliased(3))).toMatchObject(refused(/maximum is 2/));
      expect(await small.request('{ products(first: 60) { nodes { id } } }')).toMatchObject(tooComplex(/maximum is 50/));
    } finally {
      await small.stop();
    }
  });
});
