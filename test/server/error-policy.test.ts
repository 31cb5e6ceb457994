import { capturedLog, type LogLine } from '../helpers/captured-log';
import { createSeller } from '../helpers/fixtures';
import { REPORTED_COST } from '../helpers/graphql-client';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { subscribe, wsClient, wsRequest, type WsClient } from '../helpers/ws-client';
import { SECRET, failingModule } from './failing.module';

const UUID = /^[0-9a-f-]{36}$/;
const MASKED = { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };

let prod: TestApp;
let dev: TestApp;
let log: LogLine[];
const clients: WsClient[] = [];
beforeAll(async () => {
  const captured = capturedLog();
  log = captured.lines;
  prod = await startTestApp({ env: 'production', logger: captured.logger, modules: [failingModule] });
  dev = await startTestApp({ env: 'development', modules: [failingModule] }, { sharing: prod });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  log.length = 0;
});
afterAll(async () => {
  await dev.stop();
  await prod.stop();
});

function connect(t: TestApp, token?: string) {
  const client = wsClient(t.app.wsUrl, token, { lazy: false });
  clients.push(client);
  return client;
}

const unexpected = () => log.filter((line) => line.msg === 'unexpected error');

/** Runs a subscription until the server ends it. */
async function subscription(client: WsClient, query: string) {
  const live = subscribe<Record<string, string>>(client, query);
  await until(() => live.ended, 'the subscription to end');
  return live;
}

describe('the error policy over graphql-ws, in production', () => {
  it('masks an error thrown while resolving a subscription event and logs it once with the request id', async () => {
    const live = await subscription(connect(prod), 'subscription { failingEvent }');
    expect(live.events).toEqual([]);
    expect(live.errors).toEqual([{ ...MASKED, path: ['failingEvent'], locations: [{ line: 1, column: 16 }] }]);
    expect(JSON.stringify(live.errors)).not.toContain('hunter2');
    const [line, ...more] = unexpected();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ reqId: expect.stringMatching(UUID), err: { message: SECRET }, path: ['failingEvent'] });
  });

  it("masks an error thrown by a subscription's subscribe function", async () => {
    const live = await subscription(connect(prod), 'subscription { failingSubscribe }');
    expect(live.errors).toEqual([{ ...MASKED, path: ['failingSubscribe'], locations: [{ line: 1, column: 16 }] }]);
    expect(unexpected()).toEqual([expect.objectContaining({ reqId: expect.stringMatching(UUID), err: expect.objectContaining({ message: SECRET }) })]);
  });

  it('masks a subscription whose event stream breaks after an event, and logs it with the request id', async () => {
    const live = await subscription(connect(prod), 'subscription { breakingStream }');
    expect(live.events).toEqual([{ breakingStream: 'first' }]);
    expect(live.errors).toEqual([MASKED]);
    expect(unexpected()).toEqual([expect.objectContaining({ reqId: expect.stringMatching(UUID), err: expect.objectContaining({ message: SECRET }) })]);
  });

  it('gives each operation its own request id and keeps the socket open', async () => {
    const client = connect(prod);
    await subscription(client, 'subscription { failingEvent }');
    expect(await wsRequest(client, '{ failingQuery }')).toEqual({
      data: null,
      errors: [{ ...MASKED, path: ['failingQuery'], locations: [{ line: 1, column: 3 }] }],
      extensions: REPORTED_COST,
    });
    const ids = unexpected().map((line) => line.reqId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect([client.connections, client.closeCodes]).toEqual([1, []]);
  });

  it('passes expected errors unchanged and logs none of them', async () => {
    const seller = await createSeller(prod);
    const guest = await wsRequest(connect(prod), 'mutation { productCreate(input: { title: "Nope" }) { userErrors { code } } }');
    expect(guest.errors).toEqual([expect.objectContaining({ message: 'Sign in to do this.', extensions: { code: 'UNAUTHENTICATED' } })]);
    const notOperator = await wsRequest(connect(prod, seller.key), 'mutation { categoryCreate(input: { slug: "x", name: "X" }) { userErrors { code } } }');
    expect(notOperator.errors).toEqual([expect.objectContaining({ message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } })]);
    const gone = await subscription(connect(prod, ADMIN_KEY), 'subscription { vanishedEvent }');
    expect(gone.errors).toEqual([expect.objectContaining({ message: 'Proposal not found.', extensions: { code: 'NOT_FOUND' } })]);
    expect(unexpected()).toEqual([]);
  });

  it.each([
    ['a syntax error', '{ viewer {', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', '{ nope }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable of the wrong type', 'query ($id: ID!) { seller(id: $id) { slug } }', { id: { no: 1 } }, 'BAD_USER_INPUT'],
    ['a missing variable', 'query ($id: ID!) { seller(id: $id) { slug } }', {}, 'BAD_USER_INPUT'],
    ['an operation too deep', `{ category(slug: "none") ${'{ parent '.repeat(11)}{ id }${' }'.repeat(11)} }`, undefined, 'QUERY_TOO_COMPLEX'],
    ['an unknown operation name', 'query A { viewer { id } } query B { viewer { id } }', undefined, 'OPERATION_RESOLUTION_FAILURE'],
  ])("labels %s as the client's mistake, as HTTP does", async (_kind, query, variables, code) => {
    const client = connect(prod);
    const res = await wsRequest(client, query, variables);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(res.errors?.[0]?.message).not.toBe('Unexpected error.');
    expect(unexpected()).toEqual([]);
    expect(client.closeCodes).toEqual([]);
  });
});

describe('the error policy over HTTP', () => {
  it('masks an unexpected error in production and logs it with the request id', async () => {
    const res = await fetch(prod.app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-policy-1' },
      body: JSON.stringify({ query: '{ failingQuery }' }),
    });
    expect(await res.json()).toEqual({
      data: null,
      errors: [{ ...MASKED, path: ['failingQuery'], locations: [{ line: 1, column: 3 }] }],
      extensions: REPORTED_COST,
    });
    expect(unexpected()).toEqual([expect.objectContaining({ reqId: 'req-policy-1', err: expect.objectContaining({ message: SECRET }), path: ['failingQuery'] })]);
  });

  it('shows the message outside production, still as INTERNAL_SERVER_ERROR', async () => {
    const res = await dev.request('{ failingQuery }');
    expect(res.errors).toEqual([
      { message: SECRET, path: ['failingQuery'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });
});

describe('the error policy over graphql-ws, outside production', () => {
  it('shows the message, still as INTERNAL_SERVER_ERROR', async () => {
    const live = await subscription(connect(dev), 'subscription { failingEvent }');
    expect(live.errors).toEqual([{ message: SECRET, path: ['failingEvent'], locations: [{ line: 1, column: 16 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });
});
