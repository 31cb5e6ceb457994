import { randomUUID } from 'node:crypto';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller } from '../helpers/fixtures';
import { insertCustomers } from '../helpers/customers';
import { TestNote, handlerLog, testBadge } from './test-plugin';
import { until } from '../helpers/until';

let t: TestApp;
let a: TestSeller;
let b: TestSeller;
beforeAll(async () => {
  t = await startTestApp({ plugins: [testBadge], migrateOnStart: true, eventPollIntervalMs: 50, pluginRetryBaseMs: 50 });
  a = await createSeller(t);
  b = await createSeller(t);
});
afterAll(() => t.stop());

const INSTALL = `mutation ($input: PluginInstallInput!) {
  pluginInstall(input: $input) { installation { plugin version config status } userErrors { field message code } }
}`;
const CONFIGURE = `mutation ($input: PluginInstallInput!) {
  pluginConfigure(input: $input) { installation { config } userErrors { field code } }
}`;
const UNINSTALL = `mutation ($input: PluginUninstallInput!) { pluginUninstall(input: $input) { plugin purged userErrors { field code } } }`;
const PLUGINS = '{ currentSeller { plugins { plugin status lastError pendingRetries } } }';


describe('plugin installation', () => {
  it('lists the available plugins with their config schema', async () => {
    const data = await t.data('{ availablePlugins { name version permissions configSchema } }');
    expect(data.availablePlugins).toEqual([
      expect.objectContaining({ name: 'test-badge', version: '1.0.0', permissions: ['orders:read'], configSchema: expect.objectContaining({ type: 'object' }) }),
    ]);
  });

  it('installs, validates config naming the field, configures and refuses a second install', async () => {
    const bad = await t.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: '' } } }, a.key);
    expect(bad.pluginInstall.userErrors).toEqual([{ field: ['input', 'config', 'badge'], message: 'badge must not be empty', code: 'INVALID' }]);
    const unknown = await t.data(INSTALL, { input: { plugin: 'nope', config: {} } }, a.key);
    expect(unknown.pluginInstall.userErrors[0].code).toBe('NOT_FOUND');
    const ok = await t.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'Hecho a mano' } } }, a.key);
    expect(ok.pluginInstall.installation).toEqual({ plugin: 'test-badge', version: '1.0.0', config: { badge: 'Hecho a mano' }, status: 'ACTIVE' });
    const twice = await t.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'x' } } }, a.key);
    expect(twice.pluginInstall.userErrors[0].code).toBe('TAKEN');
    const configured = await t.data(CONFIGURE, { input: { plugin: 'test-badge', config: { badge: 'Artesanal' } } }, a.key);
    expect(configured.pluginConfigure.installation.config).toEqual({ badge: 'Artesanal' });
    const notInstalled = await t.data(CONFIGURE, { input: { plugin: 'test-badge', config: { badge: 'x' } } }, b.key);
    expect(notInstalled.pluginConfigure.userErrors[0].code).toBe('NOT_FOUND');
  });

  it('lets only the seller itself (or the operator, naming it) install', async () => {
    const forOther = await t.request(INSTALL, { input: { sellerId: b.id, plugin: 'test-badge', config: { badge: 'x' } } }, a.key);
    expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [customer] = await insertCustomers(t, 1);
    expect((await t.request(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'x' } } }, customer!.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const seeOther = await t.request('query ($id: ID!) { seller(id: $id) { plugins { plugin } } }', { id: b.id }, a.key);
    expect(seeOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const c = await createSeller(t);
    const byOperator = await t.data(INSTALL, { input: { sellerId: c.id, plugin: 'test-badge', config: { badge: 'op' } } }, ADMIN_KEY);
    expect(byOperator.pluginInstall.userErrors).toEqual([]);
  });

  it("resolves a plugin's Product field only for installing sellers, and refuses its mutations to others", async () => {
    const mine = await createProduct(t, a.key);
    const theirs = await createProduct(t, b.key);
    const q = 'query ($a: String!, $b: String!) { a: product(slug: $a) { testBadge } b: product(slug: $b) { testBadge } }';
    expect(await t.data(q, { a: mine.slug, b: theirs.slug })).toEqual({ a: { testBadge: 'Artesanal' }, b: { testBadge: null } });
    const note = 'mutation ($s: ID!) { testBadgeNote(sellerId: $s, text: "hi") }';
    expect((await t.request(note, { s: b.id }, b.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [customer] = await insertCustomers(t, 1);
    expect((await t.request(note, { s: b.id }, customer!.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.data(note, { s: a.id }, customer!.token)).testBadgeNote).toEqual(expect.any(String));
  });

  it('keeps or purges its data on uninstall, as the seller chooses', async () => {
    const d = await createSeller(t);
    const [customer] = await insertCustomers(t, 1);
    const notes = async () =>
      (await t.app.dataSource.query('SELECT count(*)::int AS n FROM test_badge_note WHERE seller_id = (SELECT id FROM seller WHERE slug = $1)', [d.slug]))[0].n;
    await t.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'd' } } }, d.key);
    await t.data('mutation ($s: ID!) { testBadgeNote(sellerId: $s, text: "keep me") }', { s: d.id }, customer!.token);
    const kept = await t.data(UNINSTALL, { input: { plugin: 'test-badge', purge: false } }, d.key);
    expect(kept.pluginUninstall).toEqual({ plugin: 'test-badge', purged: false, userErrors: [] });
    expect(await notes()).toBe(1);
    await t.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'd' } } }, d.key);
    await t.data(UNINSTALL, { input: { plugin: 'test-badge', purge: true } }, d.key);
    expect(await notes()).toBe(0);
    const again = await t.data(UNINSTALL, { input: { plugin: 'test-badge', purge: true } }, d.key);
    expect(again.pluginUninstall.userErrors[0].code).toBe('NOT_FOUND');
  });

  it("runs handlers only for the installing seller's events, retries a failing one and shows its error", async () => {
    const product = await createProduct(t, a.key);
    const listingId = await createListing(t, a.key, product.variantIds[0]!, { stock: 10 });
    const other = await createProduct(t, b.key);
    const otherListing = await createListing(t, b.key, other.variantIds[0]!, { stock: 10 });
    const [buyer] = await insertCustomers(t, 1);
    handlerLog.failuresLeft = Number.POSITIVE_INFINITY;
    const before = handlerLog.events.length;
    const buy = (id: string) =>
      t.data('mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { id } userErrors { code } } }', {
        input: { listingId: id, idempotencyKey: randomUUID() },
      }, buyer!.token);
    const res = await buy(listingId);
    expect(res.buyNow.userErrors).toEqual([]);
    await buy(otherListing);
    await until(async () => (await t.data(PLUGINS, {}, a.key)).currentSeller.plugins[0].lastError !== null);
    const failing = (await t.data(PLUGINS, {}, a.key)).currentSeller.plugins[0];
    expect(failing).toMatchObject({ status: 'FAILING', lastError: 'order.paid: badge service unavailable' });
    handlerLog.failuresLeft = 0;
    await until(async () => handlerLog.events.length > before);
    await until(async () => (await t.data(PLUGINS, {}, a.key)).currentSeller.plugins[0].pendingRetries === 0);
    expect((await t.data(PLUGINS, {}, a.key)).currentSeller.plugins[0].status).toBe('ACTIVE');
    const delivered = handlerLog.events.slice(before);
    const aUuid = Buffer.from(a.id, 'base64url').toString().split(':')[1];
    expect(delivered).toHaveLength(1);
    expect((delivered[0]!.payload as { sellerId: string }).sellerId).toBe(aUuid);
  });

  it('gives handlers a scope that cannot read other sellers’ rows', async () => {
    const scope = handlerLog.scopes.at(-1)!;
    const bUuid = Buffer.from(b.id, 'base64url').toString().split(':')[1]!;
    const [order] = await t.app.dataSource.query('SELECT id FROM orders WHERE seller_id = $1 LIMIT 1', [bUuid]);
    expect(await scope.order(order.id)).toBeNull();
    await expect(scope.table(TestNote).find({ sellerId: bUuid })).rejects.toThrow(/another seller/);
    await expect(scope.customer(randomUUID())).rejects.toThrow(/customers:read/);
  });
});
