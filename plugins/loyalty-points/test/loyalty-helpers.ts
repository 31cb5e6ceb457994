import { randomUUID } from 'node:crypto';
import { startPluginTestApp, until, uuidOf, type PluginTestApp } from 'zoco/plugin/testing';
import loyaltyPoints from '..';

/** What the helpers need of a test app (zoco/plugin/testing's, or the core harness's). */
type TestApp = Pick<PluginTestApp, 'app' | 'data'>;

export const INSTALL = `mutation ($input: PluginInstallInput!) {
  pluginInstall(input: $input) { installation { plugin config } userErrors { field message code } }
}`;
export const UNINSTALL = `mutation ($input: PluginUninstallInput!) { pluginUninstall(input: $input) { plugin purged userErrors { field code } } }`;
export const BALANCES = `{ viewer { loyalty { seller { id } points pointsPerEuro pointsPerEuroCredit credit { amount currency } } } }`;
export const REDEEM = `mutation ($input: LoyaltyRedeemInput!) {
  loyaltyRedeem(input: $input) { balance { points credit { amount currency } } credit { amount currency } userErrors { field message code } }
}`;

export { uuidOf } from 'zoco/plugin/testing';

/** Two sellers, A with the plugin installed at `pointsPerEuro`, and a listing of each at the given prices (stock 100). */
export async function startLoyaltyMarket(prices: { a: number; b: number }, pointsPerEuro: number) {
  const t = await startPluginTestApp({ plugins: [loyaltyPoints] });
  const a = await t.seller();
  const b = await t.seller();
  const listingA = (await t.listing(a, { price: prices.a, stock: 100 })).listingId;
  const listingB = (await t.listing(b, { price: prices.b, stock: 100 })).listingId;
  await install(t, a.key, { pointsPerEuro });
  return { t, a, b, listingA, listingB };
}

export async function install(t: TestApp, key: string, config: Record<string, unknown>): Promise<void> {
  const res = await t.data(INSTALL, { input: { plugin: 'loyalty-points', config } }, key);
  expect(res.pluginInstall.userErrors).toEqual([]);
}

/** Buys one listing with one click; the order's uuid. */
export async function buy(t: TestApp, token: string, listingId: string, quantity = 1): Promise<string> {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code message } } }',
    { input: { listingId, quantity, idempotencyKey: randomUUID() } },
    token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
  return uuidOf(res.buyNow.checkout.orders[0].id);
}


/** Points of `token`'s customer with seller `sellerId` (global ID), or null without a balance there. */
export async function pointsWith(t: TestApp, token: string, sellerId: string): Promise<number | null> {
  const data = await t.data(BALANCES, {}, token);
  return data.viewer.loyalty.find((b: { seller: { id: string } }) => b.seller.id === sellerId)?.points ?? null;
}

/**
 * Waits until the outbox event `type` of the order has been dispatched (to every plugin and hook). Plugins'
 * deliveries are queued by the dispatcher and worked apart from it (plugin_delivery, one queue per plugin
 * and seller): the event is delivered once it is dispatched and no queued delivery of it is left.
 */
export async function dispatched(t: TestApp, type: string, orderUuid: string): Promise<number> {
  let id = 0;
  await until(async () => {
    const [row] = await t.app.dataSource.query(
      `SELECT id FROM outbox o WHERE type = $1 AND payload->>'orderId' = $2 AND dispatched_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM plugin_delivery d WHERE d.event_id = o.id)`,
      [type, orderUuid],
    );
    id = row?.id ?? 0;
    return id > 0;
  });
  return id;
}
