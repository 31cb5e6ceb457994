import { randomUUID } from 'node:crypto';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { subscribe, wsClient, wsRequest, type LiveSubscription, type WsClient } from '../../helpers/ws-client';

const UPDATED = 'subscription { orderUpdated { id state } }';
const BUY = `mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code message } } }`;
const FULFILL = `mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { order { state } userErrors { code } } }`;

interface Updated {
  orderUpdated: { id: string; state: string } | null;
}

const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

describe('subscription orderUpdated', () => {
  let t: TestApp;
  let a: TestSeller & { listingId: string };
  let b: TestSeller & { listingId: string };
  let ana: TestCustomer;
  let ben: TestCustomer;
  beforeAll(async () => {
    t = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50 });
    const seller = async () => {
      const s = await createSeller(t);
      const p = await createProduct(t, s.key);
      return { ...s, listingId: await createListing(t, s.key, p.variantIds[0]!, { stock: 100 }) };
    };
    [a, b] = [await seller(), await seller()];
    [ana, ben] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
  });
  afterAll(() => t.stop());

  const listen = (token: string): LiveSubscription<Updated> => {
    const client = wsClient(t.app.wsUrl, token);
    clients.push(client);
    return subscribe<Updated>(client, UPDATED);
  };
  const buy = async (customer: TestCustomer, listingId: string): Promise<string> => {
    const res = await t.data(BUY, { input: { listingId, quantity: 1, idempotencyKey: randomUUID() } }, customer.token);
    expect(res.buyNow.userErrors).toEqual([]);
    return res.buyNow.checkout.orders[0].id;
  };
  const ids = (l: LiveSubscription<Updated>) => [...new Set(l.events.map((e) => e.orderUpdated?.id))];

  /**
   * Subscriptions start a moment after the client sends them: buy probe orders (a customer's, of a listing) until
   * every listener of each probe (the buyer's and the seller's) heard it.
   */
  async function untilListening(pairs: [LiveSubscription<Updated>[], TestCustomer, string][]) {
    for (let round = 0; round < 20; round++) {
      const probes = await Promise.all(pairs.map(([, customer, listing]) => buy(customer, listing)));
      try {
        await until(() => pairs.every(([listeners], i) => listeners.every((l) => ids(l).includes(probes[i]!))), 'the probes', 2_000);
        return;
      } catch {
        // not yet subscribed
      }
    }
    throw new Error('the subscriptions never started');
  }

  it("tells a customer of their own orders' changes and a seller key of its own, and nobody else", async () => {
    const [toAna, toBen, toA, toB] = [listen(ana.token), listen(ben.token), listen(a.key), listen(b.key)];
    // The sellers' subscriptions too: one that started after the probes would wait for them forever (a CI run).
    await untilListening([
      [[toAna, toA], ana, a.listingId],
      [[toBen, toB], ben, b.listingId],
    ]);
    const anasOrder = await buy(ana, a.listingId);
    const fulfilled = await t.data(FULFILL, { input: { id: anasOrder, carrier: 'SEUR', trackingNumber: 'X1' } }, a.key);
    expect(fulfilled.orderFulfill.userErrors).toEqual([]);
    await until(() => toAna.events.some((e) => e.orderUpdated?.id === anasOrder && e.orderUpdated.state === 'FULFILLED'), "Ana's fulfilment");
    await until(() => toA.events.some((e) => e.orderUpdated?.id === anasOrder && e.orderUpdated.state === 'FULFILLED'), "A's fulfilment");
    const bensOrder = await buy(ben, b.listingId);
    await until(() => ids(toBen).includes(bensOrder) && ids(toB).includes(bensOrder), "Ben's order");
    // Events reach listeners in dispatch order: had Ana's order reached Ben or B, it would have by now.
    expect(ids(toBen)).not.toContain(anasOrder);
    expect(ids(toB)).not.toContain(anasOrder);
    expect(ids(toAna)).not.toContain(bensOrder);
    expect(ids(toA)).not.toContain(bensOrder);
    for (const l of [toAna, toBen, toA, toB]) expect(l.errors).toEqual([]);
  });

  it('takes no argument that could name another viewer, and refuses guests, the operator and keys without orders:read', async () => {
    const byArgument = await wsRequest(wsClient(t.app.wsUrl, ana.token), `subscription { orderUpdated(customerId: "${ben.id}") { id } }`);
    expect(byArgument.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    const guest = await wsRequest(wsClient(t.app.wsUrl), UPDATED);
    expect(guest.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const operator = await wsRequest(wsClient(t.app.wsUrl, ADMIN_KEY), UPDATED);
    expect(operator.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const created = await t.data(
      `mutation ($input: SellerApiKeyCreateInput!) { sellerApiKeyCreate(input: $input) { secret userErrors { code } } }`,
      { input: { name: 'catalog only', scopes: ['catalog:write'] } },
      a.key,
    );
    expect(created.sellerApiKeyCreate.userErrors).toEqual([]);
    const narrow = await wsRequest(wsClient(t.app.wsUrl, created.sellerApiKeyCreate.secret), UPDATED);
    expect(narrow.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
