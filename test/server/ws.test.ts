import { REPORTED_COST } from '../helpers/graphql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createSeller } from '../helpers/fixtures';
import { wsClient, wsRequest, type WsClient } from '../helpers/ws-client';

let t: TestApp;
const clients: WsClient[] = [];
beforeAll(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => t.stop());

function connect(token?: string, options?: { lazy: boolean }) {
  const client = wsClient(t.app.wsUrl, token, options);
  clients.push(client);
  return client;
}

describe('GraphQL over WebSocket (graphql-ws)', () => {
  it('answers a guest that sends no connectionParams', async () => {
    const seller = await createSeller(t);
    const res = await wsRequest(connect(), 'query ($id: ID!) { viewer { id } seller(id: $id) { slug } }', { id: seller.id });
    expect(res).toEqual({ data: { viewer: null, seller: { slug: seller.slug } }, extensions: REPORTED_COST });
  });

  it('authenticates a seller key sent in connectionParams', async () => {
    const seller = await createSeller(t);
    const client = connect(seller.key, { lazy: false });
    expect(await wsRequest(client, '{ currentSeller { slug } }')).toEqual({ data: { currentSeller: { slug: seller.slug } }, extensions: REPORTED_COST });
    // The socket stays authenticated for the next operation.
    expect(await wsRequest(client, '{ currentSeller { slug } }')).toEqual({ data: { currentSeller: { slug: seller.slug } }, extensions: REPORTED_COST });
    expect(client.connections).toBe(1);
  });

  it('reports resolver errors in the result and keeps the socket open', async () => {
    const client = connect(undefined, { lazy: false });
    const res = await wsRequest(client, 'mutation { productCreate(input: { title: "Nope" }) { userErrors { code } } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await wsRequest(client, '{ viewer { id } }')).toEqual({ data: { viewer: null }, extensions: REPORTED_COST });
    expect([client.connections, client.closeCodes]).toEqual([1, []]);
  });

  it.each([
    ['an unknown seller key', 'zsk_not-a-real-key'],
    ['a garbage token', 'garbage'],
  ])('closes the socket with 4403 Forbidden for %s', async (_kind, token) => {
    const client = connect(token);
    await expect(wsRequest(client, '{ viewer { id } }')).rejects.toMatchObject({ code: 4403 });
    expect(client.closeCodes).toEqual([4403]);
  });
});
