import { startPluginTestApp, until, type PluginTestApp, type TestCustomer, type TestSeller } from 'zoco/plugin/testing';
import loyaltyPoints from '..';
import { BALANCES, REDEEM, UNINSTALL, buy, install, pointsWith } from './loyalty-helpers';

let t: PluginTestApp;
let a: TestSeller;
let b: TestSeller;
let listingA: string;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [loyaltyPoints] });
  a = await t.seller();
  b = await t.seller();
  // 90.00 EUR + 4.99 EUR shipping: 94 points at 1 point per EUR.
  listingA = (await t.listing(a, { price: 9000, stock: 100 })).listingId;
  await install(t, a.key, { pointsPerEuro: 1 });
});
afterAll(() => t.stop());

/** A buyer with 94 points with seller A. */
async function buyerWithPoints(): Promise<TestCustomer> {
  const [buyer] = await t.customers(1);
  await buy(t, buyer!.token, listingA);
  await until(async () => (await pointsWith(t, buyer!.token, a.id)) === 94);
  return buyer!;
}

const redeem = async (token: string, input: Record<string, unknown>) => (await t.data(REDEEM, { input }, token)).loyaltyRedeem;

describe('loyaltyRedeem', () => {
  it('turns points into store credit with the seller (100 points = 1 EUR by default)', async () => {
    const buyer = await buyerWithPoints();
    expect(await redeem(buyer.token, { sellerId: a.id, points: 90 })).toEqual({
      balance: { points: 4, credit: { amount: 90, currency: 'EUR' } },
      credit: { amount: 90, currency: 'EUR' },
      userErrors: [],
    });
    const [entry] = await t.app.dataSource.query(`SELECT kind, points, credit FROM loyalty_points_entry WHERE customer_id = $1 AND kind = 'redeem'`, [buyer.uuid]);
    expect(entry).toEqual({ kind: 'redeem', points: -90, credit: 90 });
    const balances = (await t.data(BALANCES, {}, buyer.token)).viewer.loyalty;
    expect(balances).toEqual([{ seller: { id: a.id }, points: 4, pointsPerEuro: 1, pointsPerEuroCredit: 100, credit: { amount: 90, currency: 'EUR' } }]);
  });

  it('refuses more points than the balance, and sellers without the plugin', async () => {
    const buyer = await buyerWithPoints();
    expect((await redeem(buyer.token, { sellerId: a.id, points: 95 })).userErrors).toEqual([
      { field: ['input', 'points'], message: 'You have 94 points with this seller; you asked to redeem 95.', code: 'INSUFFICIENT_FUNDS' },
    ]);
    expect((await redeem(buyer.token, { sellerId: b.id, points: 1 })).userErrors).toEqual([
      { field: ['input', 'sellerId'], message: 'This seller has no loyalty programme.', code: 'FORBIDDEN' },
    ]);
    expect((await redeem(buyer.token, { sellerId: a.id, points: 0 })).userErrors[0]).toMatchObject({ field: ['input', 'points'], code: 'INVALID' });
    expect((await redeem(buyer.token, { sellerId: 'nope', points: 1 })).userErrors[0]).toMatchObject({ field: ['input', 'sellerId'], code: 'INVALID_ID' });
    expect(await pointsWith(t, buyer.token, a.id)).toBe(94);
  });

  it('is for customers only', async () => {
    const asSeller = await t.request(REDEEM, { input: { sellerId: a.id, points: 1 } }, a.key);
    expect(asSeller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asUninstalledSeller = await t.request(REDEEM, { input: { sellerId: a.id, points: 1 } }, b.key);
    expect(asUninstalledSeller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asGuest = await t.request(REDEEM, { input: { sellerId: a.id, points: 1 } });
    expect(asGuest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('redeems once per idempotency key', async () => {
    const buyer = await buyerWithPoints();
    const input = { sellerId: a.id, points: 40, idempotencyKey: 'redeem-1' };
    const results = await Promise.all(Array.from({ length: 6 }, () => redeem(buyer.token, input)));
    for (const r of results) expect(r).toMatchObject({ credit: { amount: 40 }, userErrors: [] });
    expect(await pointsWith(t, buyer.token, a.id)).toBe(54);
    const reused = await redeem(buyer.token, { ...input, points: 10 });
    expect(reused.userErrors[0]).toMatchObject({ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('never lets concurrent redemptions overdraw the balance', async () => {
    const buyer = await buyerWithPoints();
    const results = await Promise.all(Array.from({ length: 5 }, () => redeem(buyer.token, { sellerId: a.id, points: 30 })));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(3);
    expect(results.filter((r) => r.userErrors[0]?.code === 'INSUFFICIENT_FUNDS')).toHaveLength(2);
    expect(await pointsWith(t, buyer.token, a.id)).toBe(4);
  });

  it('redeems in whole cents at the seller’s rate', async () => {
    const c = await t.seller();
    const listing = (await t.listing(c, { price: 9000, stock: 10 })).listingId;
    await install(t, c.key, { pointsPerEuro: 10, pointsPerEuroCredit: 300 });
    const [buyer] = await t.customers(1);
    await buy(t, buyer!.token, listing);
    await until(async () => (await pointsWith(t, buyer!.token, c.id)) === 949);
    expect((await redeem(buyer!.token, { sellerId: c.id, points: 100 })).userErrors[0]).toMatchObject({
      field: ['input', 'points'],
      message: 'Points are redeemed in multiples of 3 here, so no fraction of a cent is lost.',
    });
    expect(await redeem(buyer!.token, { sellerId: c.id, points: 900 })).toMatchObject({ balance: { points: 49 }, credit: { amount: 300 } });
  });
});

describe('loyalty-points: uninstalling', () => {
  it('keeps balances for a reinstall, or purges them', async () => {
    const d = await t.seller();
    const listing = (await t.listing(d, { price: 1000, stock: 10 })).listingId;
    await install(t, d.key, { pointsPerEuro: 3 });
    const [buyer] = await t.customers(1);
    await buy(t, buyer!.token, listing);
    await until(async () => (await pointsWith(t, buyer!.token, d.id)) === 44);
    const rows = async () =>
      (await t.app.dataSource.query(
        `SELECT (SELECT count(*)::int FROM loyalty_points_account WHERE customer_id = $1) AS accounts,
                (SELECT count(*)::int FROM loyalty_points_entry WHERE customer_id = $1) AS entries`,
        [buyer!.uuid],
      ))[0];

    const kept = await t.data(UNINSTALL, { input: { plugin: 'loyalty-points', purge: false } }, d.key);
    expect(kept.pluginUninstall).toEqual({ plugin: 'loyalty-points', purged: false, userErrors: [] });
    expect(await pointsWith(t, buyer!.token, d.id)).toBeNull();
    expect((await redeem(buyer!.token, { sellerId: d.id, points: 1 })).userErrors[0].code).toBe('FORBIDDEN');
    expect(await rows()).toEqual({ accounts: 1, entries: 1 });
    await install(t, d.key, { pointsPerEuro: 3 });
    expect(await pointsWith(t, buyer!.token, d.id)).toBe(44);

    const purged = await t.data(UNINSTALL, { input: { sellerId: d.id, plugin: 'loyalty-points', purge: true } }, t.admin);
    expect(purged.pluginUninstall).toEqual({ plugin: 'loyalty-points', purged: true, userErrors: [] });
    expect(await rows()).toEqual({ accounts: 0, entries: 0 });
    await install(t, d.key, { pointsPerEuro: 3 });
    expect(await pointsWith(t, buyer!.token, d.id)).toBeNull();
  });
});
