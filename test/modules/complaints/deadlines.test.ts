import { wsClient } from '../../helpers/ws-client';
import { startTestApp, ADMIN_KEY, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import { buy, COMPLAINT, customers, openComplaint, openShop, POST, startComplaintApp, testClock, type Bought, type Shop } from './complaint-fixtures';
import { uuidOf } from '../../helpers/fixtures';

const clock = testClock();
let t: TestApp;
let second: TestApp;
let shop: Shop;
beforeAll(async () => {
  // Both instances sweep often, on the same database and clock: each overdue complaint escalates once.
  t = await startComplaintApp(clock, { complaintSweepMs: 60, pubsub: 'postgres' });
  second = await startTestApp({ now: clock.now, complaintSweepMs: 60, eventPollIntervalMs: 50, pubsub: 'postgres' }, { sharing: t });
  shop = await openShop(t);
});
afterAll(async () => {
  await second.stop();
  await t.stop();
});

const state = async (id: string) => (await t.data(COMPLAINT, { id }, ADMIN_KEY)).complaint.state;

describe('complaint deadlines', () => {
  it('escalates complaints whose seller missed the deadline exactly once, with two instances sweeping', async () => {
    const [buyer] = await customers(t, 1);
    const orders: Bought[] = [];
    for (let i = 0; i < 6; i++) orders.push(await buy(t, shop, buyer!));
    const complaints: any[] = [];
    for (const o of orders) complaints.push(await openComplaint(t, buyer!, o));
    // The seller answers one in time; the customer's reply on it starts a new deadline from then.
    await t.data(POST, { input: { complaintId: complaints[0].id, body: 'Send photos please.' } }, shop.seller.key);
    clock.advanceHours(47);
    await new Promise((r) => setTimeout(r, 300));
    expect(await state(complaints[1].id)).toBe('OPEN');
    await t.data(POST, { input: { complaintId: complaints[0].id, body: 'Here they are.' } }, buyer!.token);
    clock.advanceHours(2);
    await until(async () => (await Promise.all(complaints.slice(1).map((c) => state(c.id)))).every((s) => s === 'ESCALATED'), 'escalation');
    expect(await state(complaints[0].id)).toBe('AWAITING_SELLER');
    await new Promise((r) => setTimeout(r, 300));
    const ids = complaints.slice(1).map((c) => uuidOf(c.id));
    const transitions = await t.app.dataSource.query(
      `SELECT complaint_id AS id, count(*)::int AS n FROM complaint_transition WHERE to_state = 'escalated' AND complaint_id = ANY($1) GROUP BY 1`,
      [ids],
    );
    expect(transitions).toHaveLength(5);
    for (const row of transitions) expect(row.n).toBe(1);
    const events = await t.app.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE type = 'complaint.updated' AND payload->>'state' = 'escalated' AND payload->>'complaintId' = ANY($1)`,
      [ids],
    );
    expect(events[0].n).toBe(5);
    const view = await t.data(COMPLAINT, { id: complaints[1].id }, buyer!.token);
    expect(view.complaint.history.at(-1)).toMatchObject({ from: 'OPEN', to: 'ESCALATED', actorRole: 'SYSTEM' });
    clock.advanceHours(48);
    await until(async () => (await state(complaints[0].id)) === 'ESCALATED', 'the second deadline');
    const metrics = await t.data('query ($id: ID!) { node(id: $id) { ... on Seller { complaintMetrics { complaints escalatedShare medianFirstResponseSeconds } } } }', { id: shop.seller.id }, shop.seller.key);
    expect(metrics.node.complaintMetrics).toEqual({ complaints: 6, escalatedShare: 1, medianFirstResponseSeconds: expect.any(Number) });
    const hidden = await t.data('query ($id: ID!) { node(id: $id) { ... on Seller { complaintMetrics { complaints } } } }', { id: shop.seller.id }, buyer!.token);
    expect(hidden.node.complaintMetrics).toBeNull();
  });

  it('tells the customer and the seller of their complaint, and nobody else', async () => {
    const [buyer, stranger] = await customers(t, 2);
    const order = await buy(t, shop, buyer!);
    const other = await openShop(t);
    const SUB = 'subscription { complaintUpdated { id state } }';
    const listen = (token: string) => {
      const client = wsClient(second.app.wsUrl, token);
      const got: any[] = [];
      const done = new Promise<void>((resolve) => {
        client.subscribe({ query: SUB }, { next: (r) => void got.push(r.data?.['complaintUpdated']), error: () => resolve(), complete: () => resolve() });
      });
      return { client, got, done };
    };
    const listeners = [listen(buyer!.token), listen(shop.seller.key), listen(stranger!.token), listen(other.seller.key)];
    await until(() => listeners.every((l) => l.client.connections === 1), 'subscriptions');
    await new Promise((r) => setTimeout(r, 200));
    const complaint = await openComplaint(t, buyer!, order);
    // A delivery shows the complaint as it is then: heard before the answer below, it is still OPEN.
    await until(() => listeners[0]!.got.length >= 1 && listeners[1]!.got.length >= 1, 'the opening');
    await t.data(POST, { input: { complaintId: complaint.id, body: 'On it.' } }, shop.seller.key);
    await until(() => listeners[0]!.got.length >= 2 && listeners[1]!.got.length >= 2, 'complaint updates');
    expect(listeners[0]!.got.map((c) => c.state)).toEqual(['OPEN', 'AWAITING_CUSTOMER']);
    expect(listeners[1]!.got.map((c) => c.id)).toEqual([complaint.id, complaint.id]);
    await new Promise((r) => setTimeout(r, 300));
    expect(listeners[2]!.got).toEqual([]);
    expect(listeners[3]!.got).toEqual([]);
    for (const l of listeners) await l.client.dispose();
  });
});
