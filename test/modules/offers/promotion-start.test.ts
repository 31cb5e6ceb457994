import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { cartWith, insertCustomers, madrid, type TestCustomer } from '../../helpers/customers';
import { createSeller, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import type { WsClient } from '../../helpers/ws-client';
import { announceDueStarts } from '../../../src/modules/promotions';
import { CART_TOTALS, CHECKOUT, consentWithTraits, createPromotion, listingOf, uuidOf } from '../promotions/promotion-fixtures';
import { listenFromNow } from './offers.fixtures';

const UPDATE = `mutation ($input: PromotionUpdateInput!) { promotionUpdate(input: $input) { promotion { id startsAt } userErrors { field message code } } }`;
const STATUS = (name: string) => `mutation ($input: PromotionIdInput!) { ${name}(input: $input) { promotion { status } userErrors { field message code } } }`;
const HOUR = 3_600_000;

describe('a scheduled promotion is announced when it starts (the timer), once', () => {
  let t: TestApp;
  let seller: TestSeller;
  let clock = new Date();
  const later = (ms: number) => new Date(clock.getTime() + ms).toISOString();
  const clients: WsClient[] = [];
  beforeAll(async () => {
    t = await startTestApp({ migrateOnStart: true, eventPollIntervalMs: 50, now: () => clock, offers: { dailyCap: 20 } });
    seller = await createSeller(t);
    await listingOf(t, seller, 4000, 50, { title: 'Rain jacket' });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t.stop();
  });

  const tick = async (app: TestApp = t) => {
    await app.app.runtime.background!.offerTimers.tick();
    await t.app.services.events.drain();
  };
  const offersOf = async (promotionId: string): Promise<{ customerId: string; n: number }[]> =>
    t.app.dataSource.query(
      'SELECT customer_id AS "customerId", count(*)::int AS n FROM offer WHERE promotion_id = $1 GROUP BY customer_id ORDER BY customer_id',
      [uuidOf(promotionId)],
    );
  const announcements = async (promotionId: string): Promise<number> =>
    (await t.app.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE type = 'promotion.started' AND payload->>'promotionId' = $1`, [uuidOf(promotionId)]))[0].n;
  const once = (customers: TestCustomer[]) => customers.map((c) => ({ customerId: c.id, n: 1 })).sort((a, b) => a.customerId.localeCompare(b.customerId));
  /** Customers only this test's promotions reach: a rule on a churn risk of their own. */
  async function audience(n: number, churnRisk: number): Promise<TestCustomer[]> {
    const customers = await insertCustomers(t, n);
    await consentWithTraits(t, customers.map((c) => c.id), { churnRisk });
    return customers;
  }
  /** A rule only that audience matches (churn risk is a float4: a band, not an equality). */
  const band = (churnRisk: number) => ({ trait: 'CHURN_RISK', min: churnRisk - 0.004, max: churnRisk + 0.004 });
  const scheduled = (name: string, churnRisk: number, extra: Record<string, unknown> = {}) =>
    createPromotion(t, seller.key, { name, percentOff: 10, startsAt: later(HOUR), targeting: band(churnRisk), ...extra });

  it('makes no offer before the start and exactly one per reached customer once the timer passes it, over the subscription too', async () => {
    const [ana, ...others] = await audience(3, 0.11);
    const live = await listenFromNow(t, ana!, clients);
    const promotion = await scheduled('Autumn', 0.11);
    await t.app.services.events.drain();
    await tick();
    expect(await offersOf(promotion.id)).toEqual([]);
    expect(await announcements(promotion.id)).toBe(0);

    clock = new Date(clock.getTime() + HOUR + 60_000);
    await tick();
    await until(() => live.events.some((e) => e.offers.offer.trigger === 'PROMOTION_TARGETED'), "Ana's offer, live");
    expect(live.events.at(-1)!.offers.offer).toMatchObject({ reason: 'Autumn: Rain jacket and more', discount: { percent: 10 } });
    expect(await offersOf(promotion.id)).toEqual(once([ana!, ...others]));
    // Later rounds find it announced.
    await tick();
    await tick();
    expect(await announcements(promotion.id)).toBe(1);
    expect(await offersOf(promotion.id)).toEqual(once([ana!, ...others]));
    expect(live.events.filter((e) => e.offers.offer.trigger === 'PROMOTION_TARGETED')).toHaveLength(1);
  });

  it('announces each start once when two app instances and more workers run the timers at the same moment', async () => {
    const two = await startTestApp({ eventPollIntervalMs: 50, now: () => clock, offers: { dailyCap: 20 } }, { sharing: t });
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: t.databaseUrl, max: 1 }));
    try {
      const customers = await audience(4, 0.12);
      const promotions = [await scheduled('Race one', 0.12), await scheduled('Race two', 0.12), await scheduled('Race three', 0.12)];
      clock = new Date(clock.getTime() + HOUR + 60_000);
      const claimed = await Promise.all([
        t.app.runtime.background!.offerTimers.tick(),
        two.app.runtime.background!.offerTimers.tick(),
        ...pools.map((pool) => announceDueStarts(t.app.services, (sql, parameters) => pool.query(sql, parameters))),
      ]);
      // Either instance's dispatcher may have claimed an announcement: each drains what it can see, and one
      // still walking an audience the other skipped (SKIP LOCKED) finishes within the wait below.
      await Promise.all([t.app.services.events.drain(), two.app.services.events.drain()]);
      expect(claimed.slice(2).reduce((a, b) => (a as number) + (b as number), 0)).toBeLessThanOrEqual(3);
      for (const p of promotions) {
        expect(await announcements(p.id)).toBe(1);
        await until(async () => (await offersOf(p.id)).length === customers.length, `the offers of ${p.id}`);
        expect(await offersOf(p.id)).toEqual(once(customers));
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await two.stop();
    }
  });

  it('loses no start when the worker that claimed it dies before delivering it: the outbox row committed with the claim', async () => {
    const customers = await audience(2, 0.13);
    const promotion = await scheduled('Crash', 0.13);
    clock = new Date(clock.getTime() + HOUR + 60_000);
    // A worker that commits its claim and dies before it wakes any dispatcher (or delivers anything).
    const pool = new pg.Pool({ connectionString: t.databaseUrl, max: 1 });
    try {
      expect(await announceDueStarts({ now: () => clock, events: { kick: () => undefined } as never }, (sql, parameters) => pool.query(sql, parameters))).toBe(1);
    } finally {
      await pool.end();
    }
    // The app's dispatcher finds the row on its own (it polls) and the offers arrive.
    await until(async () => (await offersOf(promotion.id)).length === 2, 'the offers of a start claimed by a dead worker');
    await tick();
    expect(await announcements(promotion.id)).toBe(1);
    expect(await offersOf(promotion.id)).toEqual(once(customers));
  });

  it('announces nothing for a promotion paused before its start, and announces it at once when resumed after', async () => {
    const customers = await audience(2, 0.14);
    const promotion = await scheduled('Paused', 0.14);
    expect((await t.data(STATUS('promotionPause'), { input: { id: promotion.id } }, seller.key)).promotionPause.userErrors).toEqual([]);
    clock = new Date(clock.getTime() + HOUR + 60_000);
    await tick();
    expect(await announcements(promotion.id)).toBe(0);
    expect(await offersOf(promotion.id)).toEqual([]);

    expect((await t.data(STATUS('promotionResume'), { input: { id: promotion.id } }, seller.key)).promotionResume.userErrors).toEqual([]);
    await t.app.services.events.drain();
    expect(await announcements(promotion.id)).toBe(1);
    expect(await offersOf(promotion.id)).toEqual(once(customers));
    await tick();
    expect(await announcements(promotion.id)).toBe(1);
  });

  it('leaves a promotion resumed before its start to the timer, which announces it once when it starts', async () => {
    const customers = await audience(2, 0.15);
    const promotion = await scheduled('Resumed early', 0.15);
    for (const name of ['promotionPause', 'promotionResume']) {
      expect((await t.data(STATUS(name), { input: { id: promotion.id } }, seller.key))[name].userErrors).toEqual([]);
    }
    await tick();
    expect(await announcements(promotion.id)).toBe(0);
    clock = new Date(clock.getTime() + HOUR + 60_000);
    await tick();
    await tick();
    expect(await announcements(promotion.id)).toBe(1);
    expect(await offersOf(promotion.id)).toEqual(once(customers));
  });

  it('follows promotionUpdate moving the start: later → announced then; to now → announced at once; never an offer twice', async () => {
    const [postponedTo, broughtForward, running] = [await audience(2, 0.16), await audience(2, 0.17), await audience(2, 0.18)];
    const postponed = await scheduled('Postponed', 0.16);
    const early = await scheduled('Brought forward', 0.17);
    const moved = await t.data(UPDATE, { input: { id: postponed.id, startsAt: later(3 * HOUR) } }, seller.key);
    expect(moved.promotionUpdate.userErrors).toEqual([]);
    const forward = await t.data(UPDATE, { input: { id: early.id, startsAt: later(-60_000) } }, seller.key);
    expect(forward.promotionUpdate.userErrors).toEqual([]);
    await t.app.services.events.drain();
    expect(await announcements(early.id)).toBe(1);
    expect(await offersOf(early.id)).toEqual(once(broughtForward));

    // Past the old start: the postponed one is not announced; past the new one, once.
    clock = new Date(clock.getTime() + 2 * HOUR);
    await tick();
    expect(await announcements(postponed.id)).toBe(0);
    expect(await offersOf(postponed.id)).toEqual([]);
    clock = new Date(clock.getTime() + HOUR + 60_000);
    await tick();
    await tick();
    expect(await announcements(postponed.id)).toBe(1);
    expect(await offersOf(postponed.id)).toEqual(once(postponedTo));
    expect(await announcements(early.id)).toBe(1);

    // A running, announced promotion: a start moved within the past changes nothing; one moved to later is
    // a new start, announced then, and nobody gets the offer twice.
    const now = await createPromotion(t, seller.key, { name: 'Running', percentOff: 10, targeting: band(0.18) });
    await t.app.services.events.drain();
    expect(await offersOf(now.id)).toEqual(once(running));
    expect((await t.data(UPDATE, { input: { id: now.id, startsAt: later(-HOUR) } }, seller.key)).promotionUpdate.userErrors).toEqual([]);
    await tick();
    expect(await announcements(now.id)).toBe(1);
    expect((await t.data(UPDATE, { input: { id: now.id, startsAt: later(HOUR) } }, seller.key)).promotionUpdate.userErrors).toEqual([]);
    await tick();
    expect(await announcements(now.id)).toBe(1);
    clock = new Date(clock.getTime() + HOUR + 60_000);
    await tick();
    expect(await announcements(now.id)).toBe(2);
    expect(await offersOf(now.id)).toEqual(once(running));
  });

  it('never announces a promotion whose whole window passed unseen, nor an archived one, and refuses a start after the end', async () => {
    const customers = await audience(2, 0.19);
    const missed = await scheduled('Missed', 0.19, { endsAt: later(2 * HOUR) });
    const archived = await scheduled('Archived', 0.19);
    expect((await t.data(STATUS('promotionArchive'), { input: { id: archived.id } }, seller.key)).promotionArchive.userErrors).toEqual([]);
    const resumeArchived = await t.data(STATUS('promotionResume'), { input: { id: archived.id } }, seller.key);
    expect(resumeArchived.promotionResume.userErrors.map((e: { code: string }) => e.code)).toEqual(['INVALID_STATE']);
    const badMove = await t.data(UPDATE, { input: { id: missed.id, startsAt: later(3 * HOUR) } }, seller.key);
    expect(badMove.promotionUpdate.userErrors).toEqual([{ field: ['input', 'endsAt'], message: 'endsAt must be after startsAt.', code: 'INVALID' }]);
    clock = new Date(clock.getTime() + 3 * HOUR);
    await tick();
    for (const p of [missed, archived]) {
      expect(await announcements(p.id)).toBe(0);
      expect(await offersOf(p.id)).toEqual([]);
    }
    // Its end moved later, it runs again: announced by the update, for everyone it reaches.
    expect((await t.data(UPDATE, { input: { id: missed.id, endsAt: later(HOUR) } }, seller.key)).promotionUpdate.userErrors).toEqual([]);
    await t.app.services.events.drain();
    expect(await announcements(missed.id)).toBe(1);
    expect(await offersOf(missed.id)).toEqual(once(customers));
  });

  it("prices carts and checkouts by the app's clock, the one a start is announced by, not the database's", async () => {
    // The app's clock runs hours ahead of the database's here (the tests above moved it): by the database's, this
    // promotion would not start for hours; by the app's, it starts in one and ends in three.
    const shop = await createSeller(t);
    const item = await listingOf(t, shop, 10_000, 10, { title: 'Wool scarf' });
    await createPromotion(t, shop.key, { name: 'Clocked', percentOff: 10, startsAt: later(HOUR), endsAt: later(3 * HOUR) });
    const [buyer] = await insertCustomers(t, 1);
    const discountOf = async (cartId: string) => (await t.data(CART_TOTALS, { id: cartId }, buyer!.token)).cart.discountTotal.amount;
    const cartId = await cartWith(t, buyer!.token, [{ listingId: item.listingId, quantity: 1 }]);
    expect(await discountOf(cartId)).toBe(0);

    clock = new Date(clock.getTime() + HOUR + 60_000);
    expect(await discountOf(cartId)).toBe(1000);
    const bought = await t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer!.token);
    expect(bought.checkoutComplete.userErrors).toEqual([]);
    expect(bought.checkoutComplete.checkout.orders.map((o: { discountTotal: { amount: number } }) => o.discountTotal.amount)).toEqual([1000]);

    clock = new Date(clock.getTime() + 2 * HOUR);
    expect(await discountOf(await cartWith(t, buyer!.token, [{ listingId: item.listingId, quantity: 1 }]))).toBe(0);
  });
});
