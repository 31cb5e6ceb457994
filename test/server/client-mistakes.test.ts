import { createHash } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { deepJsonText } from '../helpers/fuzz-documents';
import { wsClient, wsRequest, type WsClient } from '../helpers/ws-client';
import { sqlProbeModule } from './sql-probe.module';
import { REPORTED_COST } from '../helpers/graphql-client';

// Issue 9: each client mistake the fuzz of 7,000 requests answered with HTTP 500 or INTERNAL_SERVER_ERROR,
// through the real server, in development (messages unmasked): graphql-jit (fast) and graphql-js (reference).
let fast: TestApp;
let reference: TestApp;
let seller: TestSeller;
let ws: WsClient;
beforeAll(async () => {
  fast = await startTestApp({ env: 'development', modules: [sqlProbeModule] });
  reference = await startTestApp({ env: 'development', modules: [sqlProbeModule], fastPaths: false }, { sharing: fast });
  seller = await createSeller(fast);
  ws = wsClient(fast.app.wsUrl);
});
afterAll(async () => {
  await ws.dispose();
  await reference.stop();
  await fast.stop();
});

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const UUID0 = '00000000-0000-0000-0000-000000000000';
const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);
const DATABASE_TEXT = /relation|column|syntax|violates|invalid input|duplicate key|out of range for type|uuid|bigint|timestamp|varying/i;

async function post(t: TestApp, body: unknown, token?: string) {
  const res = await fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] }) };
}

describe('invalid variable values', () => {
  const query = 'query ($first: Int!, $id: ID!) { products(first: $first) { nodes { id } } product(id: $id) { id } }';

  it('answers 400 BAD_USER_INPUT on graphql-js and on graphql-jit (the third identical request runs compiled)', async () => {
    for (const t of [fast, reference]) {
      await post(t, { query, variables: { first: 1, id: b64(`Product:${UUID0}`) } });
      for (const variables of [{ first: 'ten', id: true }, { first: 2 ** 31, id: 'x' }, { id: 'x' }, { first: 1.5, id: null }]) {
        const res = await post(t, { query, variables });
        expect(res.status).toBe(400);
        expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
      }
    }
  });

  it('labels all errors of a request with more than 50 invalid values BAD_USER_INPUT', async () => {
    const res = await post(fast, {
      query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      variables: { ids: Array.from({ length: 80 }, () => null) },
    });
    expect(res.status).toBe(400);
    expect(res.errors!.length).toBeGreaterThan(50);
    expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
  });
});

describe('crafted page cursors', () => {
  const cursors = [
    ['a key PostgreSQL cannot read as a time', b64(JSON.stringify(['abc', UUID0]))],
    ['a year before PostgreSQL’s range', b64(JSON.stringify(['-271821-04-20T00:00:00Z', UUID0]))],
    ['a NUL byte in the key', b64(JSON.stringify(['a\u0000b', UUID0]))],
    ['a key of 5,000 characters', b64(JSON.stringify(['x'.repeat(5_000), UUID0]))],
    ['an infinite number', b64('[1e999, "00000000-0000-0000-0000-000000000000"]')],
    ['an object for a key', b64(JSON.stringify([{}, UUID0]))],
  ];

  it.each(cursors)('refuses %s as BAD_USER_INPUT on every list', async (_what, after) => {
    for (const [sort, list] of [
      ['NEWEST', 'products(first: 2, after: $after, sort: NEWEST) { nodes { id } }'],
      ['PRICE_ASC', 'products(first: 2, after: $after, sort: PRICE_ASC) { nodes { id } }'],
      ['sellers', 'sellers(first: 2, after: $after) { nodes { id } }'],
    ]) {
      const res = await post(fast, { query: `query ($after: String) { ${list} }`, variables: { after } });
      expect({ sort, codes: codes(res) }).toEqual({ sort, codes: ['BAD_USER_INPUT'] });
      expect(res.errors![0]!.message).not.toMatch(DATABASE_TEXT);
    }
  });

  it('refuses a price key beyond bigint in our words', async () => {
    const after = b64(JSON.stringify(['9'.repeat(30), UUID0]));
    const res = await post(fast, { query: 'query ($after: String) { products(first: 2, after: $after, sort: PRICE_ASC) { nodes { id } } }', variables: { after } });
    expect(res.errors).toEqual([expect.objectContaining({ message: 'A number is out of range.', extensions: { code: 'BAD_USER_INPUT' } })]);
  });
});

describe('NUL bytes', () => {
  it('refuses a NUL in a text input before the database, naming the field', async () => {
    const res = await post(
      fast,
      { query: 'mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id } } }', variables: { input: { title: 'a\u0000b' } } },
      seller.key,
    );
    expect(res.errors).toEqual([
      expect.objectContaining({ message: 'input.title must not contain the NUL character (\\u0000).', extensions: { code: 'BAD_USER_INPUT', field: 'input.title' } }),
    ]);
  });

  it('refuses a NUL in a JSON key and in a literal, over WebSocket too', async () => {
    const viaVariable = await post(
      fast,
      { query: 'mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id } } }', variables: { input: { title: 'T', attributes: { 'k\u0000': 1 } } } },
      seller.key,
    );
    expect(codes(viaVariable)).toEqual(['BAD_USER_INPUT']);
    const viaWs = await wsRequest(ws, '{ product(slug: "a\\u0000b") { id } }');
    expect(codes(viaWs)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('global IDs of types that are Object.prototype keys', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('answers node(id:) of type %s with null', async (type) => {
    const id = b64(`${type}:${UUID0}`);
    for (const t of [fast, reference]) {
      const res = await post(t, { query: 'query ($id: ID!, $ids: [ID!]!) { node(id: $id) { id } nodes(ids: $ids) { id } }', variables: { id, ids: [id, id] } });
      expect(res).toEqual({ status: 200, data: { node: null, nodes: [null, null] }, extensions: REPORTED_COST });
    }
  });

  it('refuses an ID of 10,000 characters without decoding it', async () => {
    const res = await post(fast, { query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id: 'x'.repeat(10_000) } });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message.length).toBeLessThan(200);
  });
});

describe('requests HTTP cannot serve', () => {
  it('refuses a subscription over HTTP POST with 400 BAD_REQUEST', async () => {
    for (const t of [fast, reference]) {
      const res = await post(t, { query: 'subscription { probeEvent }' });
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['BAD_REQUEST']);
    }
  });

  it('answers persisted queries it does not know, or whose hash is wrong, with 4xx client codes', async () => {
    const unknown = await post(fast, { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(unknown.status).toBeLessThan(500);
    const wrong = await post(fast, { query: '{ viewer { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } });
    expect(wrong).toMatchObject({ status: 400, errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] });
    const version = await post(fast, { query: '{ viewer { id } }', extensions: { persistedQuery: { version: 2, sha256Hash: 'c' } } });
    expect(version).toMatchObject({ status: 400, errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const query = '{ viewer { id } }';
    const right = await post(fast, { query, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } } });
    expect(right).toEqual({ status: 200, data: { viewer: null }, extensions: REPORTED_COST });
  });
});

describe('JSON scalars nested too deep', () => {
  const install = 'mutation ($c: JSONObject) { pluginInstall(input: { plugin: "none", config: $c }) { userErrors { message } } }';

  it('refuses a body nested 100,000 deep before parsing it, quickly', async () => {
    const started = performance.now();
    const res = await post(fast, `{"query":${JSON.stringify(install)},"variables":{"c":${deepJsonText(100_000)}}}`, seller.key);
    const ms = performance.now() - started;
    expect(res).toEqual({ status: 400, errors: [{ message: 'The request body nests deeper than 64 levels.', extensions: { code: 'BAD_REQUEST' } }] });
    // Issue 9 asks for under 100 ms (about 10 ms here when the machine is idle); loaded CI machines get a margin.
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a config nested 40 deep as BAD_USER_INPUT, over HTTP and WebSocket', async () => {
    const res = await post(fast, `{"query":${JSON.stringify(install)},"variables":{"c":${deepJsonText(40)}}}`, seller.key);
    const refused = [expect.objectContaining({ message: expect.stringMatching(/^input\.config(\.a)+ is nested deeper than 32 levels\.$/), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })];
    expect(res.errors).toEqual(refused);
    // As the seller: a guest is refused before its arguments are read (server/operation-access.ts).
    const sellerWs = wsClient(fast.app.wsUrl, seller.key);
    try {
      const viaWs = await wsRequest(sellerWs, install, { c: JSON.parse(deepJsonText(40)) });
      expect(viaWs.errors).toEqual(refused);
    } finally {
      await sellerWs.dispose();
    }
  });

  it('accepts one nested 20 deep as far as the plugin (which does not exist)', async () => {
    const res = await post(fast, `{"query":${JSON.stringify(install)},"variables":{"c":${deepJsonText(20)}}}`, seller.key);
    expect(res.errors).toBeUndefined();
    expect(res.data.pluginInstall.userErrors).toHaveLength(1);
  });
});

describe('values the database refuses', () => {
  it.each([
    ['uuid', 'not-a-uuid', 'A value is malformed.'],
    ['bigint', '9000000000000000', 'A number is out of range.'],
    ['timestamptz', 'yesterday-ish', 'A date or time is malformed.'],
    ['jsonb', '{not json', 'A value is malformed.'],
    ['unique', 'dup-slug', 'A value that must be unique is already taken.'],
  ])('answers a refused %s as BAD_USER_INPUT in our words, never the database’s', async (kind, value, message) => {
    for (const t of [fast, reference]) {
      const res = await post(t, { query: 'query ($kind: String!, $value: String!) { sqlProbe(kind: $kind, value: $value) }', variables: { kind, value } });
      expect(res).toEqual({ status: 200, data: { sqlProbe: null }, errors: [{ message, locations: expect.any(Array), path: ['sqlProbe'], extensions: { code: 'BAD_USER_INPUT' } }], extensions: REPORTED_COST });
    }
  });
});
