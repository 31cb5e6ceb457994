import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { wsClient, wsRequest, type WsClient } from '../helpers/ws-client';

const FULL = getIntrospectionQuery({
  descriptions: true,
  inputValueDeprecation: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
});
const STANDARD = getIntrospectionQuery();

let dev: TestApp;
let prod: TestApp;
let prodOn: TestApp;
const sockets: WsClient[] = [];
const ws = (t: TestApp) => {
  const client = wsClient(t.app.wsUrl);
  sockets.push(client);
  return client;
};
beforeAll(async () => {
  dev = await startTestApp();
  prod = await startTestApp({ env: 'production' }, { sharing: dev });
  prodOn = await startTestApp({ env: 'production', introspection: true }, { sharing: dev });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await prodOn.stop();
  await prod.stop();
  await dev.stop();
});

const disabled = { errors: [expect.objectContaining({ message: expect.stringMatching(/introspection/i) })] };

describe('introspection outside production', () => {
  it.each([
    ['standard', STANDARD],
    ['full (GraphiQL, graphql-codegen)', FULL],
  ])('answers the %s introspection query over HTTP within the limits', async (_, query) => {
    const res = await dev.request(query);
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
    // A client can rebuild the schema from it.
    expect(printSchema(buildClientSchema(res.data))).toMatch(/type Query/);
  });

  it('answers it over graphql-ws', async () => {
    const res = await wsRequest(ws(dev), FULL);
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
  });

  it('still limits the depth of an operation that reads more than the schema', async () => {
    const deep = `{ __schema { queryType { name } } category(slug: "none") ${'{ parent '.repeat(12)}{ id }${' }'.repeat(12)} }`;
    const res = await dev.request(deep);
    expect(res.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/depth 14/), extensions: { code: 'QUERY_TOO_COMPLEX' } })]);
  });

  it('refuses introspection whose lists of types nest too deep (work exponential in depth)', async () => {
    const nested = `{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`;
    const res = await dev.request(nested);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/Maximum introspection depth exceeded/);
    expect((await wsRequest(ws(dev), nested)).errors?.[0]?.message).toMatch(/Maximum introspection depth exceeded/);
  });

  it('keeps the token limit on introspection', async () => {
    const long = `{ __schema { ${'queryType { name } '.repeat(600)} } }`;
    const res = await dev.request(long);
    expect(res.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('introspection in production', () => {
  it('is off by default, over HTTP and graphql-ws', async () => {
    const res = await prod.request(STANDARD);
    expect(res).toMatchObject(disabled);
    expect(res.data).toBeUndefined();
    expect(await wsRequest(ws(prod), '{ __type(name: "Query") { name } }')).toMatchObject(disabled);
    // __typename is no introspection.
    expect(await prod.data('{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('is on with ZOCO_INTROSPECTION', async () => {
    expect((await prodOn.request(FULL)).errors).toBeUndefined();
    expect((await wsRequest(ws(prodOn), FULL)).errors).toBeUndefined();
  });
});

it('reads ZOCO_INTROSPECTION: on outside production, off in production by default', () => {
  const production = { NODE_ENV: 'production', ZOCO_JWT_SECRET: 'x'.repeat(32), ZOCO_ADMIN_KEY: 'y'.repeat(24), DATABASE_URL: 'postgres://db/zoco' };
  expect(loadConfig({}).introspection).toBe(true);
  expect(loadConfig(production).introspection).toBe(false);
  expect(loadConfig({ ...production, ZOCO_INTROSPECTION: 'true' }).introspection).toBe(true);
  expect(loadConfig({ ZOCO_INTROSPECTION: 'false' }).introspection).toBe(false);
});
