import { randomUUID } from 'node:crypto';
import type { DocumentNode } from 'graphql';
import { loadConfig } from '../../src/config';
import { toGlobalId } from '../../src/core/global-id';
import { loadPlugins } from '../../src/plugin-host/load-plugins';
import { seedDatabase } from '../../src/seed/seed';
import { insertCustomers } from '../helpers/customers';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { parityCases, type ParityCase, type ParityFixture } from './fast-path-cases';

// Which documents graphql-jit compiled, to prove the compiled path is what was compared.
const mockCompiled = new Set<string>();
jest.mock('graphql-jit', () => {
  const actual = jest.requireActual('graphql-jit');
  return {
    ...actual,
    compileQuery: (...args: Parameters<typeof actual.compileQuery>) => {
      const result = actual.compileQuery(...args);
      if (actual.isCompiledQuery(result)) mockCompiled.add((args[1] as DocumentNode).loc!.source.body);
      return result;
    },
  };
});

/**
 * The same operations, on the same seeded data, answered by an app with the fast paths (graphql-jit,
 * direct resolver calls) and by one without (graphql-js, type-graphql's wrappers): every status and body
 * must be equal, byte for byte. graphql-jit compiles a query on its third execution (jit-executor.ts),
 * so each operation runs RUNS times and the later runs take the compiled path.
 */
const RUNS = 4;

let fast: TestApp;
let reference: TestApp;
let fixture: ParityFixture;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const plugins = loadPlugins(loadConfig({}).pluginNames);
  fast = await startTestApp({ plugins, fastPaths: true, migrateOnStart: true, eventPollIntervalMs: 50 });
  reference = await startTestApp({ plugins, fastPaths: false, eventPollIntervalMs: 50 }, { sharing: fast });
  const db = fast.app.dataSource;
  const seed = await seedDatabase(db, 'small');
  const [seller, other] = seed.sellers as [(typeof seed.sellers)[0], (typeof seed.sellers)[0]];
  const [customer] = await insertCustomers(fast, 1);
  Object.assign(tokens, { seller: seller.apiKey, 'other-seller': other.apiKey, customer: customer!.token, admin: ADMIN_KEY, 'bad-token': 'not-a-real-token' });

  for (const plugin of ['loyalty-points', 'co-creation']) {
    const res = await fast.data('mutation ($plugin: String!) { pluginInstall(input: { plugin: $plugin, config: {} }) { userErrors { code } } }', { plugin }, seller.apiKey);
    expect(res.pluginInstall.userErrors).toEqual([]);
  }
  const [product] = await db.query(`SELECT id, slug FROM product WHERE status = 'active' ORDER BY created_at DESC LIMIT 1`);
  // A translated product on the first page: `title(locale:)` then answers from the translation or the product's own content.
  await db.query(`INSERT INTO product_translation (product_id, locale, title, description) VALUES ($1, 'en', 'In English', 'English words')`, [product.id]);
  const listingOf = async (sellerId: string) => {
    const [row] = await db.query(`SELECT id FROM listing WHERE seller_id = $1 AND status = 'active' AND stock > 1 ORDER BY id LIMIT 1`, [sellerId]);
    return toGlobalId('Listing', row.id);
  };
  const [mine, theirs] = [await listingOf(seller.id), await listingOf(other.id)];
  const cart = await fast.data(
    'mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code } } }',
    { input: { lines: [{ listingId: mine, quantity: 2 }, { listingId: theirs }] } },
    customer!.token,
  );
  const bought = await fast.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code message } } }',
    { input: { idempotencyKey: randomUUID(), listingId: mine } },
    customer!.token,
  );
  expect(bought.buyNow.userErrors).toEqual([]);
  const proposal = await fast.data(
    'mutation ($input: CoCreationProposalCreateInput!) { coCreationProposalCreate(input: $input) { proposal { id } userErrors { code } } }',
    { input: { sellerId: toGlobalId('Seller', seller.id), title: 'A raincoat for two', description: 'Big enough for a couple walking the dog.' } },
    customer!.token,
  );
  expect(proposal.coCreationProposalCreate.userErrors).toEqual([]);
  const page = await fast.data('{ products(first: 2) { pageInfo { endCursor } } }');
  fixture = {
    productSlug: product.slug,
    productId: toGlobalId('Product', product.id),
    sellerSlug: seller.slug,
    sellerId: toGlobalId('Seller', seller.id),
    otherSellerSlug: other.slug,
    otherSellerId: toGlobalId('Seller', other.id),
    after: page.products.pageInfo.endCursor,
    cartId: cart.cartCreate.cart.id,
    orderId: bought.buyNow.checkout.orders[0].id,
    proposalId: proposal.coCreationProposalCreate.proposal.id,
  };
  // The purchase's events (loyalty points, invoices) must be settled before both apps are read.
  await until(async () => {
    const [{ pending }] = await db.query('SELECT count(*)::int AS pending FROM outbox WHERE dispatched_at IS NULL');
    const points = await fast.data('{ viewer { loyalty { points } } }', undefined, customer!.token);
    return pending === 0 && points.viewer.loyalty.some((b: { points: number }) => b.points > 0);
  }, 'the purchase to be dispatched');
});

afterAll(async () => {
  await reference?.stop();
  await fast?.stop();
});

async function send(t: TestApp, c: ParityCase): Promise<string> {
  const token = c.as && c.as !== 'guest' ? tokens[c.as] : undefined;
  const res = await fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: c.query, variables: c.variables?.(fixture), operationName: c.operationName }),
  });
  // Pretty-printed, so a difference shows as a line diff; key order counts, as it does for clients.
  return JSON.stringify({ status: res.status, body: await res.json() }, null, 2);
}

describe('with and without the fast paths', () => {
  it.each(parityCases.map((c) => [c.name, c] as const))('answers %s identically', async (_name, c) => {
    for (let run = 1; run <= RUNS; run++) {
      const [withFastPaths, without] = [await send(fast, c), await send(reference, c)];
      expect(withFastPaths).toBe(without);
      expect(/"GRAPHQL_(PARSE|VALIDATION)_FAILED"/.test(without)).toBe(c.malformed ?? false);
    }
  });

  it('compared the compiled queries, not only graphql-js', () => {
    const names = parityCases.filter((c) => mockCompiled.has(c.query)).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'catalog page',
        'catalog page, narrow reads',
        'product by slug, narrow reads',
        'product by slug',
        'seller with listings',
        'customer',
        'cart as its customer',
        'order as its customer',
        'customer loyalty',
        'plugin fields on a catalog page',
        'plugin query refused to a seller without it',
      ]),
    );
  });
});
