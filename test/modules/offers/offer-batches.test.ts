import { OffersCreatedBatches1764276000000 } from '../../../migrations/1764276000000-offers-created-batches';
import { toGlobalId } from '../../../src/core/global-id';
import { offerCreateMany, OfferTrigger, type OfferCandidate } from '../../../src/modules/offers';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { inTransaction } from '../../helpers/in-transaction';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import type { WsClient } from '../../helpers/ws-client';
import { grantPersonalization, listen, makeOffer, newestCursor, reasons } from './offers.fixtures';

const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** One page of a fan-out: one offer with `key` for each customer, in one transaction (one `offers.created`). */
const page = (t: TestApp, customers: TestCustomer[], key: string) =>
  inTransaction(t, (ctx) =>
    offerCreateMany(
      ctx,
      customers.map(
        (c): OfferCandidate => ({ customerId: c.id, trigger: OfferTrigger.PROMOTION_TARGETED, dedupeKey: key, discount: { percent: 10 }, reason: { en: `Because ${key}` } }),
      ),
    ),
  );

const sequenceOf = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString().split(':')[1]);

describe('offers made and replayed in batches', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50, offers: { dailyCap: 100 } });
  });
  afterAll(() => t.stop());

  it('writes one outbox row for a page of offers and gives each live subscriber only its own offer from it', async () => {
    const customers = await insertCustomers(t, 12);
    await grantPersonalization(t, customers.map((c) => c.id));
    await page(t, customers, 'before');
    const live = await Promise.all(customers.map(async (c) => listen(t, c.token, clients, await newestCursor(t, c.token))));
    const outcomes = await page(t, customers, 'page');
    expect(outcomes.every((o) => 'offer' in o)).toBe(true);
    const [{ rows }] = await t.app.dataSource.query(
      `SELECT count(*)::int AS rows FROM outbox WHERE type = 'offers.created' AND jsonb_array_length(payload->'offers') = $1`,
      [customers.length],
    );
    expect(rows).toBe(2);
    await until(() => live.every((l) => l.events.length >= 1), 'every offer of the page');
    // Every event dispatched, then a quiet moment for the pubsub: a duplicate would have arrived by now.
    await t.app.services.events.drain();
    await new Promise((r) => setTimeout(r, 200));
    for (const [i, l] of live.entries()) {
      expect(reasons(l)).toEqual(['Because page']);
      expect(l.events[0]!.offers.offer.id).toBe(toGlobalId('Offer', (outcomes[i] as { offer: { id: string } }).offer.id));
      expect(l.errors).toEqual([]);
    }
  });

  it('replays to many customers reconnecting at once exactly their own missed offers, in order, without duplicates', async () => {
    const customers = await insertCustomers(t, 40);
    await grantPersonalization(t, customers.map((c) => c.id));
    await page(t, customers, 'seen');
    const cursors = await Promise.all(customers.map((c) => newestCursor(t, c.token)));
    // Missed while away: pages for all, and a few offers of their own for some (so replays differ in length).
    await page(t, customers, 'missed-1');
    for (const [i, c] of customers.entries()) if (i % 3 === 0) await makeOffer(t, c.id, `own-${i}`);
    await page(t, customers, 'missed-2');
    const back = customers.map((c, i) => listen(t, c.token, clients, cursors[i]));
    // Made while they replay: some arrive live, some in the replay, never twice.
    const during = page(t, customers, 'during');
    const expected = customers.map((_, i) => ['Because missed-1', ...(i % 3 === 0 ? [`Because own-${i}`] : []), 'Because missed-2', 'Because during']);
    await during;
    await until(() => back.every((l, i) => l.events.length >= expected[i]!.length), 'every missed offer', 20_000);
    await t.app.services.events.drain();
    await new Promise((r) => setTimeout(r, 200));
    for (const [i, l] of back.entries()) {
      expect(reasons(l)).toEqual(expected[i]);
      const sequences = l.events.map((e) => sequenceOf(e.offers.cursor));
      expect(sequences).toEqual(sequences.map((_, k) => sequenceOf(cursors[i]!) + k + 1));
      expect(l.errors).toEqual([]);
    }
  }, 60_000);

  it('holds the daily cap exactly when pages for the same customers commit concurrently', async () => {
    const capped = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50, offers: { dailyCap: 3 } });
    try {
      // Half of them have never had an offer (their sequence rows are made by the pages themselves).
      const customers = await insertCustomers(capped, 30);
      await grantPersonalization(capped, customers.map((c) => c.id));
      await page(capped, customers.slice(0, 15), 'earlier');
      const pages = await Promise.all(Array.from({ length: 8 }, (_, i) => page(capped, i % 2 ? [...customers].reverse() : customers, `promotion-${i}`)));
      const made = pages.flat().filter((o) => 'offer' in o).length;
      expect(pages.flat().filter((o) => 'refused' in o && o.refused !== 'DAILY_CAP')).toEqual([]);
      const rows: { customerId: string; sequences: string[] }[] = await capped.app.dataSource.query(
        'SELECT customer_id AS "customerId", array_agg(sequence ORDER BY sequence) AS sequences FROM offer WHERE customer_id = ANY($1) GROUP BY customer_id',
        [customers.map((c) => c.id)],
      );
      expect(rows).toHaveLength(30);
      for (const r of rows) expect(r.sequences.map(Number)).toEqual([1, 2, 3]);
      expect(made).toBe(15 * 2 + 15 * 3);
    } finally {
      await capped.stop();
    }
  }, 60_000);
  it('rewrites offer.created rows an upgrade finds undelivered into offers.created, and back (migration 1764276000000)', async () => {
    const runner = t.app.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      // What the code before wrote: a row per offer. Uncommitted, so the dispatcher never sees it.
      const old = { offerId: 'offer-1', customerId: 'customer-1', sequence: 7, offer: { id: 'offer-1', reason: 'Because' } };
      const [{ id }] = await runner.query(`INSERT INTO outbox (type, payload) VALUES ('offer.created', $1) RETURNING id`, [JSON.stringify(old)]);
      const migration = new OffersCreatedBatches1764276000000();
      await migration.up(runner);
      expect(await runner.query('SELECT type, payload FROM outbox WHERE id = $1', [id])).toEqual([{ type: 'offers.created', payload: { offers: [old] } }]);
      await migration.down(runner);
      expect(await runner.query(`SELECT type, payload FROM outbox WHERE type = 'offer.created' AND dispatched_at IS NULL`)).toEqual([{ type: 'offer.created', payload: old }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
