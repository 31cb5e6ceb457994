import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { subscribe, wsClient, wsRequest, type WsClient } from '../../helpers/ws-client';
import { grantPersonalization, listen, listenFromNow, makeOffer, newestCursor, OFFERS, reasons } from './offers.fixtures';

const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

describe('subscription offers', () => {
  let t: TestApp;
  let ana: TestCustomer;
  let ben: TestCustomer;
  beforeAll(async () => {
    t = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50, offers: { dailyCap: 100 } });
    [ana, ben] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    await grantPersonalization(t, [ana.id, ben.id]);
  });
  afterAll(() => t.stop());

  it("streams an offer to its customer's subscription and to no one else's", async () => {
    const [toAna, toBen] = [await listenFromNow(t, ana, clients), await listenFromNow(t, ben, clients)];
    await makeOffer(t, ana.id, 'for-ana');
    await makeOffer(t, ben.id, 'for-ben');
    await until(() => reasons(toAna).includes('Because for-ana') && reasons(toBen).includes('Because for-ben'), 'both offers');
    expect(reasons(toAna)).toEqual(['Because for-ana']);
    expect(reasons(toBen)).toEqual(['Because for-ben']);
    expect(toAna.events[0]!.offers).toEqual({
      cursor: expect.any(String),
      offer: { id: expect.any(String), reason: 'Because for-ana', state: 'NEW', trigger: 'PLUGIN', discount: { percent: 10 } },
    });
    for (const l of [toAna, toBen]) expect(l.errors).toEqual([]);
    // The operator counts what reached subscribers (issue 13's metrics).
    const metrics = await (await fetch(new URL('/metrics', t.app.url))).text();
    expect(metrics).toMatch(/^zoco_offers_delivered_total 2$/m);
  });

  it('replays exactly the offers missed during a burst, in order, without duplicates, then streams live ones', async () => {
    const [customer] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [customer.id]);
    const first = await listenFromNow(t, customer, clients);
    const burst = (from: number, to: number) => Promise.all(Array.from({ length: to - from }, (_, i) => makeOffer(t, customer.id, `burst-${from + i}`)));
    const bursting = burst(0, 30);
    await until(() => first.events.length >= 5, 'the first offers of the burst');
    first.stop();
    const cursor = first.events.at(-1)!.offers.cursor;
    const seenBefore = first.events.length;
    // Reconnect while the burst is still being made, and make more while the replay runs.
    const second = listen(t, customer.token, clients, cursor);
    await Promise.all([bursting, burst(30, 40)]);
    await until(() => seenBefore + second.events.length >= 40, 'every offer of the burst');
    await makeOffer(t, customer.id, 'after-the-burst');
    await until(() => reasons(second).includes('Because after-the-burst'), 'the live offer');
    const all = [...first.events.slice(0, seenBefore), ...second.events].map((e) => e.offers);
    const sequences = all.map((o) => Buffer.from(o.cursor, 'base64url').toString());
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(all.map((o) => o.offer.reason).filter((r) => r.startsWith('Because burst')).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `Because burst-${i}`).sort(),
    );
    // In the customer's order: the inbox lists them newest first by the same sequence.
    const inbox = await t.data('{ viewer { offers(first: 100) { nodes { cursor } } } }', {}, customer.token);
    const inboxCursors: string[] = inbox.viewer.offers.nodes.map((n: { cursor: string }) => n.cursor).reverse();
    expect(all.map((o) => o.cursor)).toEqual(inboxCursors.slice(1));
    expect(second.errors).toEqual([]);
  });

  it('replays stored offers to a subscriber that comes back with an old cursor', async () => {
    const [customer] = (await insertCustomers(t, 1)) as [TestCustomer];
    await grantPersonalization(t, [customer.id]);
    await makeOffer(t, customer.id, 'one');
    const cursor = await newestCursor(t, customer.token);
    await makeOffer(t, customer.id, 'two');
    await makeOffer(t, customer.id, 'three');
    const live = listen(t, customer.token, clients, cursor);
    await until(() => live.events.length >= 2, 'the replay');
    expect(reasons(live)).toEqual(['Because two', 'Because three']);
  });

  it('closes a socket without a token that asks for offers with 4403, and refuses seller keys and bad cursors', async () => {
    const guest = wsClient(t.app.wsUrl);
    clients.push(guest);
    await expect(wsRequest(guest, OFFERS)).rejects.toMatchObject({ code: 4403 });
    const bad = wsClient(t.app.wsUrl, 'not-a-token');
    clients.push(bad);
    await expect(wsRequest(bad, OFFERS)).rejects.toMatchObject({ code: 4403 });
    const seller = await createSeller(t);
    const refused = await wsRequest(wsClient(t.app.wsUrl, seller.key), OFFERS);
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringContaining('customers'), extensions: { code: 'FORBIDDEN' } });
    const cursorless = await wsRequest(wsClient(t.app.wsUrl, ana.token), OFFERS, { after: 'x'.repeat(5000) });
    expect(cursorless.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it("never replays another customer's offers, whatever cursor is given", async () => {
    await makeOffer(t, ben.id, 'bens-secret');
    const benCursor = await newestCursor(t, ben.token);
    const live = listen(t, ana.token, clients, Buffer.from('offer:0').toString('base64url'));
    await until(() => live.events.length > 0, "Ana's replay");
    const client = wsClient(t.app.wsUrl, ana.token);
    clients.push(client);
    const withBens = subscribe(client, OFFERS, { after: benCursor });
    await new Promise((r) => setTimeout(r, 300));
    for (const l of [live, withBens]) expect(JSON.stringify(l.events)).not.toContain('bens-secret');
    expect(reasons(live).every((r) => !r.includes('ben'))).toBe(true);
  });

  it('holds one pubsub listener per customer however many sockets listen, without MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const [customer] = (await insertCustomers(t, 1)) as [TestCustomer];
      await grantPersonalization(t, [customer.id]);
      const many = await Promise.all(Array.from({ length: 15 }, () => listenFromNow(t, customer, clients)));
      await makeOffer(t, customer.id, 'for-all-sockets');
      await until(() => many.every((l) => reasons(l).includes('Because for-all-sockets')), 'every socket');
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
