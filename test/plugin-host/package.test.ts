import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cloneDatabase, databaseUrl, dropDatabase } from '../../src/db/databases';
import { listening, startCli, type Cli } from '../helpers/cli';
import { graphqlClient, type GraphQLClient } from '../helpers/graphql-client';
import { until } from '../helpers/until';
import { SELLER_ADDRESS } from '../helpers/fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const ADMIN = 'package-test-operator-key-0123456789';

/**
 * The way a third party works: `zoco plugin new` writes a package in a folder outside the repository,
 * which depends on `zoco` as a package (here linked the way `npm install` with a file: dependency
 * would: node_modules/zoco → this checkout, its peers next to it). Its own test, untouched, passes with
 * `zoco/plugin/testing`; built, it is offered to `zoco serve` through ZOCO_PLUGINS as a path, where its
 * per-line option and checkout surcharge reach the cart, the order and the invoice (issue 15, "Done when").
 */
describe('a plugin package outside the repository', () => {
  let dir: string;
  let pkg: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zoco-plugin-pkg-'));
    pkg = path.join(dir, 'acme-gift-wrap');
    await run(process.execPath, [path.join(ROOT, 'dist/src/main.js'), 'plugin', 'new', 'acme-gift-wrap', '--out', pkg], { cwd: dir });
    // What npm would install: zoco itself, and the peers and dev tools from the same versions as zoco's.
    const modules = path.join(pkg, 'node_modules');
    await mkdir(modules);
    const shared = await realpath(path.join(ROOT, 'node_modules'));
    for (const entry of await readdir(shared)) await symlink(path.join(shared, entry), path.join(modules, entry));
    await symlink(ROOT, path.join(modules, 'zoco'));
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('resolves zoco/plugin and zoco/plugin/testing through the package exports, to the built files and their types', async () => {
    const { stdout } = await run(process.execPath, ['-e', "console.log(require.resolve('zoco/plugin'), require.resolve('zoco/plugin/testing'))"], { cwd: pkg });
    expect(stdout.trim().split(' ')).toEqual([path.join(ROOT, 'dist/src/plugin.js'), path.join(ROOT, 'dist/src/plugin-testing/index.js')]);
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.exports['./plugin'].types).toBe('./dist/types/src/plugin.d.ts');
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['graphql', 'type-graphql', 'typeorm']);
  });

  it('passes its own test as generated, with zoco/plugin/testing', async () => {
    const { ZOCO_TEST_SERVER_URL, ZOCO_TEST_TEMPLATE } = process.env;
    const result = await run(process.execPath, [path.join(pkg, 'node_modules/jest/bin/jest.js'), '--ci', '--colors=false'], {
      cwd: pkg,
      env: { ...process.env, DATABASE_URL: ZOCO_TEST_SERVER_URL, ZOCO_TEST_TEMPLATE },
    }).catch((err: { stdout: string; stderr: string }) => err);
    expect(result.stderr).toMatch(/Tests:\s+5 passed, 5 total/);
  }, 180_000);

  describe('offered through ZOCO_PLUGINS as a path', () => {
    let cli: Cli;
    let name: string;
    let t: GraphQLClient;
    let key: string;
    beforeAll(async () => {
      await run(process.execPath, [path.join(pkg, 'node_modules/@swc/cli/bin/swc.js'), 'src', '-d', 'dist', '--strip-leading-paths', '-q'], { cwd: pkg });
      name = `zoco_t_${randomBytes(6).toString('hex')}`;
      await cloneDatabase(process.env['ZOCO_TEST_SERVER_URL']!, process.env['ZOCO_TEST_TEMPLATE']!, name);
      cli = startCli({
        DATABASE_URL: databaseUrl(process.env['ZOCO_TEST_SERVER_URL']!, name),
        ZOCO_PLUGINS: pkg,
        ZOCO_ADMIN_KEY: ADMIN,
        ZOCO_DATA_DIR: path.join(dir, 'data'),
        ZOCO_LOG_LEVEL: 'warn',
      });
    }, 60_000);
    afterAll(async () => {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await dropDatabase(process.env['ZOCO_TEST_SERVER_URL']!, name);
    });

    it('runs its migration and serves its field for the seller that installed it', async () => {
      t = graphqlClient(await listening(cli, 30_000));
      const created = await t.data(
        'mutation ($input: SellerCreateInput!) { sellerCreate(input: $input) { seller { id } apiKeySecret } }',
        { input: { slug: 'acme-shop', name: 'Acme', legalName: 'Acme S.L.', taxId: 'B12345678', address: SELLER_ADDRESS } },
        ADMIN,
      );
      key = created.sellerCreate.apiKeySecret;
      const offered = await t.data('{ availablePlugins { name permissions } }', {}, key);
      expect(offered.availablePlugins).toEqual([{ name: 'acme-gift-wrap', permissions: ['orders:read'] }]);
      const installed = await t.data(
        'mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { installation { plugin acceptedPermissions } userErrors { code } } }',
        { input: { plugin: 'acme-gift-wrap', config: { greeting: 'Hi' }, acceptPermissions: ['orders:read'] } },
        key,
      );
      expect(installed.pluginInstall).toEqual({ installation: { plugin: 'acme-gift-wrap', acceptedPermissions: ['orders:read'] }, userErrors: [] });
      const added = await t.data('mutation { acmeGiftWrapNoteAdd(input: { text: "hello" }) { note { text } userErrors { code } } }', {}, key);
      expect(added.acmeGiftWrapNoteAdd).toEqual({ note: { text: 'hello' }, userErrors: [] });
    }, 60_000);

    it('takes its per-line option on a cart line and charges its surcharge on the cart, the order and the invoice, with VAT', async () => {
      const product = await t.data('mutation { productCreate(input: { title: "Mug" }) { product { variants { id } } userErrors { code } } }', {}, key);
      const listed = await t.data(
        'mutation ($input: ListingCreateInput!) { listingCreate(input: $input) { listing { id } userErrors { code } } }',
        { input: { variantId: product.productCreate.product.variants[0].id, sku: 'MUG-1', price: { amount: 1200, currency: 'EUR' }, stock: 10 } },
        key,
      );
      const listingId = listed.listingCreate.listing.id;
      const signedUp = await t.data(
        'mutation { customerSignUp(input: { email: "ana@example.com", password: "una-clave-larga", name: "Ana" }) { customerAccessToken { accessToken } userErrors { code } } }',
      );
      const buyer = signedUp.customerSignUp.customerAccessToken.accessToken;
      const option = { 'acme-gift-wrap': { note: 'Happy birthday' } };
      const cart = await t.data(
        `mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id lines { id options }
          sellerGroups { adjustments { source label kind amount { amount } lineId } } } userErrors { field code } } }`,
        { input: { lines: [{ listingId, quantity: 3, options: option }] } },
        buyer,
      );
      expect(cart.cartCreate.userErrors).toEqual([]);
      const [line] = cart.cartCreate.cart.lines;
      expect(line.options).toEqual(option);
      // The skeleton's default notePrice, 1.50, per unit.
      expect(cart.cartCreate.cart.sellerGroups[0].adjustments).toEqual([
        { source: 'plugin:acme-gift-wrap', label: 'Personal note', kind: 'SURCHARGE', amount: { amount: 450 }, lineId: line.id },
      ]);
      const refused = await t.data(
        'mutation ($input: CartCreateInput!) { cartCreate(input: $input) { userErrors { field code } } }',
        { input: { lines: [{ listingId, options: { 'acme-gift-wrap': { note: '' } } }] } },
        buyer,
      );
      expect(refused.cartCreate.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', 'acme-gift-wrap', 'note'], code: 'INVALID' }]);

      const address = { name: 'Ana García', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' };
      const done = await t.data(
        'mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { orders { id } } userErrors { field code } } }',
        { input: { cartId: cart.cartCreate.cart.id, idempotencyKey: 'package-test-1', shippingAddress: address, paymentToken: 'tok_visa' } },
        buyer,
      );
      expect(done.checkoutComplete.userErrors).toEqual([]);
      const ORDER = `query ($id: ID!) { node(id: $id) { ... on Order { subtotal { amount } shipping { amount } tax { amount } total { amount }
        adjustments { source kind amount { amount } } lines { options }
        invoice { gross { amount } tax { amount } lines { description gross { amount } tax { amount } vatRate } } } } }`;
      const id = done.checkoutComplete.checkout.orders[0].id;
      const read = async () => (await t.data(ORDER, { id }, buyer)).node;
      let order = await read();
      // The invoice is issued at payment, after commit.
      await until(async () => {
        order = await read();
        return order.invoice !== null;
      }, 'the invoice');
      expect(order.adjustments).toEqual([{ source: 'plugin:acme-gift-wrap', kind: 'SURCHARGE', amount: { amount: 450 } }]);
      expect(order.total.amount).toBe(order.subtotal.amount + order.shipping.amount + 450);
      expect(order.lines).toEqual([{ options: option }]);
      expect(order.invoice.gross.amount).toBe(order.total.amount);
      expect(order.invoice.tax.amount).toBe(order.tax.amount);
      // 21% VAT inside 4.50: 0.78.
      expect(order.invoice.lines).toContainEqual({ description: 'Personal note', gross: { amount: 450 }, tax: { amount: 78 }, vatRate: 21 });
    }, 60_000);
  });
});
