import { statementCount } from '../../src/db/data-source';
import { createProduct, createSeller, type TestSeller } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { testBadge } from './test-plugin';

// Two instances of the app on one database, as a deployment behind a load balancer runs them.
let a: TestApp;
let b: TestApp;
let seller: TestSeller;
let slug: string;
let sellerUuid: string;
beforeAll(async () => {
  a = await startTestApp({ plugins: [testBadge], migrateOnStart: true, eventPollIntervalMs: 60_000 });
  b = await startTestApp({ plugins: [testBadge], eventPollIntervalMs: 60_000 }, { sharing: a });
  seller = await createSeller(a);
  slug = (await createProduct(a, seller.key)).slug;
  sellerUuid = Buffer.from(seller.id, 'base64url').toString().split(':')[1]!;
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const INSTALL = `mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { userErrors { code } } }`;
const CONFIGURE = `mutation ($input: PluginInstallInput!) { pluginConfigure(input: $input) { userErrors { code } } }`;
const UNINSTALL = `mutation ($input: PluginUninstallInput!) { pluginUninstall(input: $input) { userErrors { code } } }`;
const BADGE = 'query ($slug: String!) { product(slug: $slug) { title testBadge } }';
const PLAIN = 'query ($slug: String!) { product(slug: $slug) { title } }';

const badgeOn = async (t: TestApp) => (await t.data(BADGE, { slug })).product.testBadge as string | null;
const statements = async (t: TestApp, query: string) => {
  const before = statementCount(t.app.dataSource);
  await t.data(query, { slug });
  return statementCount(t.app.dataSource) - before;
};

describe('the installation cache', () => {
  it('answers from memory once it knows, and the other instance learns of install, configure and uninstall', async () => {
    expect(await badgeOn(b)).toBeNull();
    // Known on b now (as "not installed"): the field costs no statement.
    expect(await statements(b, BADGE)).toBe(await statements(b, PLAIN));

    expect((await a.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'Eco' } } }, seller.key)).pluginInstall.userErrors).toEqual([]);
    expect(await badgeOn(a)).toBe('Eco');
    await until(async () => (await badgeOn(b)) === 'Eco', 'b to see the install');
    expect(await statements(b, BADGE)).toBe(await statements(b, PLAIN));

    expect((await a.data(CONFIGURE, { input: { plugin: 'test-badge', config: { badge: 'Bio' } } }, seller.key)).pluginConfigure.userErrors).toEqual([]);
    expect(await badgeOn(a)).toBe('Bio');
    await until(async () => (await badgeOn(b)) === 'Bio', 'b to see the new config');

    expect((await b.data(UNINSTALL, { input: { plugin: 'test-badge', purge: false } }, seller.key)).pluginUninstall.userErrors).toEqual([]);
    expect(await badgeOn(b)).toBeNull();
    await until(async () => (await badgeOn(a)) === null, 'a to see the uninstall');
    // A plugin mutation on the instance that did not uninstall refuses too.
    const note = await a.request('mutation ($s: ID!) { testBadgeNote(sellerId: $s, text: "hi") }', { s: seller.id }, seller.key);
    expect(note.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('hears of writes made outside the app (plain SQL by the operator)', async () => {
    expect((await a.data(INSTALL, { input: { plugin: 'test-badge', config: { badge: 'One' } } }, seller.key)).pluginInstall.userErrors).toEqual([]);
    await until(async () => (await badgeOn(b)) === 'One', 'b to see the install');
    await a.app.dataSource.query(`UPDATE plugin_installation SET config = '{"badge":"Two"}' WHERE seller_id = $1 AND plugin = 'test-badge'`, [sellerUuid]);
    await until(async () => (await badgeOn(a)) === 'Two' && (await badgeOn(b)) === 'Two', 'both to see the SQL update');
  });

  it('forgets what it knew when its notification connection drops, and listens again', async () => {
    const listener = async () =>
      (await a.app.dataSource.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'zoco-listen-zoco_plugin_installation'`,
      )) as { pid: number }[];
    expect((await listener()).length).toBe(2);
    expect(await badgeOn(b)).toBe('Two');
    // Kill both instances' listeners, then change the config: nobody hears that NOTIFY.
    const before = (await listener()).map((r) => r.pid);
    await a.app.dataSource.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    await a.app.dataSource.query(`UPDATE plugin_installation SET config = '{"badge":"Three"}' WHERE seller_id = $1 AND plugin = 'test-badge'`, [sellerUuid]);
    await until(async () => (await badgeOn(b)) === 'Three', 'b to stop trusting its cache');
    // Both reconnect, and notifications flow again.
    await until(async () => {
      const now = (await listener()).map((r) => r.pid);
      return now.length === 2 && now.every((pid) => !before.includes(pid));
    }, 'the listeners to come back');
    expect(await badgeOn(b)).toBe('Three');
    await a.app.dataSource.query(`UPDATE plugin_installation SET config = '{"badge":"Four"}' WHERE seller_id = $1 AND plugin = 'test-badge'`, [sellerUuid]);
    await until(async () => (await badgeOn(b)) === 'Four', 'b to hear the next change');
    expect(await statements(b, BADGE)).toBe(await statements(b, PLAIN));
  });
});
