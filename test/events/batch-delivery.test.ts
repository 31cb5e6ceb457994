import { defineModule, type ModuleBatchHook } from '../../src/core/module';
import type { DomainEvent } from '../../src/events/event-types';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Batch hooks (events/dispatcher.ts, BatchEventHandler), over outbox rows written straight into the table: one
// INSERT commits them together, so one dispatch round claims them all.
const calls: { types: string[]; ids: number[] }[] = [];
/** Ids of the events handled for good (a successful call), each as many times as it was. */
const handled: number[] = [];
const poisoned = new Set<string>();

const recorder: ModuleBatchHook = {
  async batch(events: DomainEvent[]) {
    calls.push({ types: events.map((e) => e.type), ids: events.map((e) => e.id) });
    const bad = events.find((e) => poisoned.has((e.payload as { cartId: string }).cartId));
    if (bad) throw new Error(`poisoned event ${(bad.payload as { cartId: string }).cartId}`);
    handled.push(...events.map((e) => e.id));
  },
};
const single: DomainEvent[] = [];
const batching = defineModule({
  name: 'test-batching-hooks',
  entities: [],
  resolvers: [],
  // One object under two types: their events come in one call, in id order.
  hooks: { 'cart.updated': recorder, 'customer.erased': recorder, 'seller.suspended': async (e) => void single.push(e) },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [batching], eventPollIntervalMs: 50 });
});
afterAll(() => t.stop());

beforeEach(() => {
  calls.length = 0;
  handled.length = 0;
  single.length = 0;
  poisoned.clear();
});

/** Writes outbox rows in one statement (ids in this order) and waits for their delivery; returns their ids. */
async function commitEvents(events: { type: string; payload: object }[]): Promise<number[]> {
  const rows: { id: string }[] = await t.app.dataSource.query(
    `INSERT INTO outbox (type, payload) SELECT e.type, e.payload FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS e(type, payload, n) ORDER BY e.n RETURNING id`,
    [events.map((e) => e.type), events.map((e) => JSON.stringify(e.payload))],
  );
  t.app.services.events.kick();
  await t.app.services.events.drain();
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

const outboxRows = (ids: number[]): Promise<{ id: string; attempts: number; last_error: string | null; dispatched: boolean }[]> =>
  t.app.dataSource.query('SELECT id, attempts, last_error, dispatched_at IS NOT NULL AS dispatched FROM outbox WHERE id = ANY($1) ORDER BY id', [ids]);

it('hands a batch hook every event of its types claimed in a round, in one call, in id order', async () => {
  const ids = await commitEvents([
    { type: 'cart.updated', payload: { cartId: 'a', customerId: null } },
    { type: 'customer.erased', payload: { customerId: 'c' } },
    { type: 'seller.suspended', payload: { sellerId: 's' } },
    { type: 'cart.updated', payload: { cartId: 'b', customerId: null } },
  ]);
  expect(calls).toEqual([{ types: ['cart.updated', 'customer.erased', 'cart.updated'], ids: [ids[0], ids[1], ids[3]] }]);
  // A plain hook still gets its events one at a time.
  expect(single.map((e) => e.id)).toEqual([ids[2]]);
  expect((await outboxRows(ids)).every((r) => r.dispatched && r.attempts === 0)).toBe(true);
});

it('delivers a failed batch again event by event: one bad event fails alone and the others are dispatched', async () => {
  poisoned.add('bad');
  const ids = await commitEvents(['ok-1', 'bad', 'ok-2'].map((cartId) => ({ type: 'cart.updated', payload: { cartId, customerId: null } })));
  // (Later calls: the bad event's retries, 2 s on, when the machine is slow enough to reach them.)
  expect(calls.slice(0, 4).map((c) => c.ids)).toEqual([ids, [ids[0]], [ids[1]], [ids[2]]]);
  expect(handled).toEqual([ids[0], ids[2]]);
  const [first, bad, last] = await outboxRows(ids);
  expect([first!.dispatched, last!.dispatched, first!.attempts, last!.attempts]).toEqual([true, true, 0, 0]);
  expect(bad).toMatchObject({ dispatched: false });
  expect(bad!.attempts).toBeGreaterThanOrEqual(1);
  expect(bad!.last_error).toContain('poisoned event bad');
});
