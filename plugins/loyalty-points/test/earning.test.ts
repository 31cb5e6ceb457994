import { until, type PluginTestApp, type TestSeller } from 'zoco/plugin/testing';
import { createPluginScope } from '../../../src/plugin-host/plugin-scope';
import type { DomainEvent } from 'zoco/plugin';
import loyaltyPoints, { LoyaltyAccount, LoyaltyEntry, type LoyaltyConfig } from '..';
import { INSTALL, REDEEM, buy, dispatched, install, pointsWith, startLoyaltyMarket, uuidOf } from './loyalty-helpers';

let t: PluginTestApp;
let a: TestSeller;
let b: TestSeller;
let listingA: string;
let listingB: string;
beforeAll(async () => {
  // 25.00 EUR + 4.99 EUR shipping = 29.99 EUR an order.
  ({ t, a, b, listingA, listingB } = await startLoyaltyMarket({ a: 2500, b: 2500 }, 2));
});
afterAll(() => t.stop());

const entries = (orderUuid: string) =>
  t.app.dataSource.query('SELECT kind, points, shortfall FROM loyalty_points_entry WHERE order_id = $1 ORDER BY created_at', [orderUuid]);

/** A scope like the one the host hands handlers, for calling them directly. */
function scopeOf(seller: TestSeller, config: LoyaltyConfig) {
  const app = { db: t.app.dataSource, log: t.app.log, events: { kick() {} } } as never;
  return createPluginScope({ plugin: 'loyalty-points', permissions: loyaltyPoints.permissions, sellerId: uuidOf(seller.id), config, app });
}

describe('loyalty-points: installing', () => {
  it('refuses a bad config with userErrors naming the field', async () => {
    for (const pointsPerEuro of [-1, 'x', 2.5, 1001]) {
      const res = await t.data(INSTALL, { input: { plugin: 'loyalty-points', config: { pointsPerEuro } } }, b.key);
      expect(res.pluginInstall.userErrors).toEqual([
        { field: ['input', 'config', 'pointsPerEuro'], message: expect.stringContaining('pointsPerEuro'), code: 'INVALID' },
      ]);
    }
    const unknown = await t.data(INSTALL, { input: { plugin: 'loyalty-points', config: { pointPerEuro: 3 } } }, b.key);
    expect(unknown.pluginInstall.userErrors).toEqual([{ field: ['input', 'config'], message: 'Unknown setting: pointPerEuro.', code: 'INVALID' }]);
  });

  it('fills in the defaults', async () => {
    const c = await t.seller();
    const res = await t.data(INSTALL, { input: { plugin: 'loyalty-points', config: {} } }, c.key);
    expect(res.pluginInstall.installation.config).toEqual({ pointsPerEuro: 1, pointsPerEuroCredit: 100 });
  });
});

describe('loyalty-points: earning', () => {
  it('earns floor(order total × pointsPerEuro) when an order is paid', async () => {
    const [buyer] = await t.customers(1);
    await buy(t, buyer!.token, listingA);
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) !== null);
    const data = await t.data('{ viewer { loyalty { seller { id } points pointsPerEuro pointsPerEuroCredit credit { amount currency } } } }', {}, buyer!.token);
    expect(data.viewer.loyalty).toEqual([{ seller: { id: a.id }, points: 59, pointsPerEuro: 2, pointsPerEuroCredit: 100, credit: { amount: 0, currency: 'EUR' } }]);
    await buy(t, buyer!.token, listingA, 2);
    // 2 × 25.00 + 4.99 = 54.99 EUR → 109 more.
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 59 + 109);
  });

  it('takes the points back when the order is cancelled', async () => {
    const [buyer] = await t.customers(1);
    const kept = await buy(t, buyer!.token, listingA);
    const order = await buy(t, buyer!.token, listingA);
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 118);
    const res = await t.data('mutation ($id: ID!) { orderCancel(input: { id: $id }) { userErrors { code } } }', { id: toOrderId(order) }, buyer!.token);
    expect(res.orderCancel.userErrors).toEqual([]);
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 59);
    expect(await entries(order)).toEqual([
      { kind: 'earn', points: 59, shortfall: 0 },
      { kind: 'reverse', points: -59, shortfall: 0 },
    ]);
    expect(await entries(kept)).toEqual([{ kind: 'earn', points: 59, shortfall: 0 }]);
  });

  it('stops at zero when the points were redeemed already, recording the shortfall', async () => {
    const [buyer] = await t.customers(1);
    const order = await buy(t, buyer!.token, listingA);
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 59);
    const redeemed = await t.data(REDEEM, { input: { sellerId: a.id, points: 50 } }, buyer!.token);
    expect(redeemed.loyaltyRedeem.userErrors).toEqual([]);
    await t.data('mutation ($id: ID!) { orderCancel(input: { id: $id }) { userErrors { code } } }', { id: toOrderId(order) }, buyer!.token);
    await dispatched(t, 'order.cancelled', order);
    expect(await pointsWith(t, buyer!.token, a.id)).toBe(0);
    expect((await entries(order)).at(-1)).toEqual({ kind: 'reverse', points: -9, shortfall: 50 });
  });

  it('counts an event delivered twice once', async () => {
    const [buyer] = await t.customers(1);
    const order = await buy(t, buyer!.token, listingA);
    const eventId = await dispatched(t, 'order.paid', order);
    expect(await pointsWith(t, buyer!.token, a.id)).toBe(59);
    // At-least-once delivery: the dispatcher sends the same outbox row again.
    await t.app.dataSource.query('UPDATE outbox SET dispatched_at = NULL WHERE id = $1', [eventId]);
    await dispatched(t, 'order.paid', order);
    // And a second process handles it at the same moment.
    const [event] = await t.app.dataSource.query(`SELECT id::int, type, payload, created_at AS "createdAt" FROM outbox WHERE id = $1`, [eventId]);
    const scope = scopeOf(a, { pointsPerEuro: 2, pointsPerEuroCredit: 100 });
    await Promise.all([0, 1, 2].map(() => loyaltyPoints.on!['order.paid']!(event as DomainEvent<'order.paid'>, scope)));
    expect(await pointsWith(t, buyer!.token, a.id)).toBe(59);
    expect(await entries(order)).toEqual([{ kind: 'earn', points: 59, shortfall: 0 }]);
  });
});

describe('loyalty-points: scope', () => {
  it("gives no points for the orders of a seller that didn't install it, and shows no loyaltyPoints on its listings", async () => {
    const [buyer] = await t.customers(1);
    const order = await buy(t, buyer!.token, listingB);
    await dispatched(t, 'order.paid', order);
    const rows = await t.app.dataSource.query('SELECT count(*)::int AS n FROM loyalty_points_entry WHERE order_id = $1', [order]);
    expect(rows).toEqual([{ n: 0 }]);
    expect((await t.data('{ viewer { loyalty { points } } }', {}, buyer!.token)).viewer.loyalty).toEqual([]);
    const q = 'query ($a: ID!, $b: ID!) { a: node(id: $a) { ... on Listing { loyaltyPoints } } b: node(id: $b) { ... on Listing { loyaltyPoints } } }';
    expect(await t.data(q, { a: listingA, b: listingB })).toEqual({ a: { loyaltyPoints: 50 }, b: { loyaltyPoints: null } });
  });

  it("keeps a customer's balance with one seller out of another seller's reach", async () => {
    const c = await t.seller();
    await install(t, c.key, { pointsPerEuro: 1 });
    const [buyer] = await t.customers(1);
    await buy(t, buyer!.token, listingA);
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 59);
    const scopeC = scopeOf(c, { pointsPerEuro: 1, pointsPerEuroCredit: 100 });
    expect(await scopeC.table(LoyaltyAccount).find({ customerId: buyer!.uuid })).toEqual([]);
    expect(await scopeC.table(LoyaltyEntry).count({ customerId: buyer!.uuid })).toBe(0);
    await expect(scopeC.table(LoyaltyAccount).find({ sellerId: uuidOf(a.id), customerId: buyer!.uuid })).rejects.toThrow(/another seller/);
    const other = await t.customers(1);
    expect((await t.data('{ viewer { loyalty { points } } }', {}, other[0]!.token)).viewer.loyalty).toEqual([]);
  });
});

function toOrderId(uuid: string): string {
  return Buffer.from(`Order:${uuid}`).toString('base64url');
}

describe('loyalty-points: the ledger', () => {
  it('can rely on insert refusing an existing account instead of overwriting it', async () => {
    const [buyer] = await t.customers(1);
    await buy(t, buyer!.token, listingA);
    await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 59);
    const scope = scopeOf(a, { pointsPerEuro: 2, pointsPerEuroCredit: 100 });
    const stale = { customerId: buyer!.uuid, balance: 1, credit: 0, currency: 'EUR', version: 1 };
    await expect(scope.transaction((tx) => tx.table(LoyaltyAccount).insert(stale))).rejects.toThrow(/duplicate key/);
    expect(await pointsWith(t, buyer!.token, a.id)).toBe(59);
    const entry = await scope.table(LoyaltyEntry).insert({ customerId: buyer!.uuid, kind: 'earn', points: 0 });
    expect(entry).toMatchObject({ id: expect.any(String), shortfall: 0, credit: 0, createdAt: expect.any(Date) });
  });
});
