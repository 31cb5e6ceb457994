import { randomUUID } from 'node:crypto';
import type { DocumentNode } from 'graphql';
import { loadConfig } from '../../src/config';
import { toGlobalId } from '../../src/core/global-id';
import { loadPlugins } from '../../src/plugin-host/load-plugins';
import { seedDatabase } from '../../src/seed/seed';
import { insertCustomers } from '../helpers/customers';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { CONTENT_TYPE_BY_ACCEPT } from '../../src/server/known-documents';
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

// Which documents the known-documents path answered itself (not handed to Apollo), to prove it is what was compared.
const mockAnswered = new Set<string>();
jest.mock('../../src/server/known-documents', () => {
  const actual = jest.requireActual('../../src/server/known-documents');
  return {
    ...actual,
    createKnownDocuments: (...args: Parameters<typeof actual.createKnownDocuments>) => {
      const known = actual.createKnownDocuments(...args);
      return {
        ...known,
        async run(eligible: { query: string }, context: () => Promise<unknown>) {
          const outcome = await known.run(eligible, context);
          if ('body' in outcome) mockAnswered.add(eligible.query);
          return outcome;
        },
      };
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

async function send(t: TestApp, c: ParityCase, http: { headers?: Record<string, string>; body?: string } = {}): Promise<string> {
  const token = c.as && c.as !== 'guest' ? tokens[c.as] : undefined;
  const res = await fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...http.headers },
    body: http.body ?? JSON.stringify({ query: c.query, variables: c.variables?.(fixture), operationName: c.operationName }),
  });
  // Pretty-printed, so a difference shows as a line diff; key order counts, as it does for clients. The body
  // as sent (Apollo ends it with a newline), with the headers a client reads.
  const headers = { 'content-type': res.headers.get('content-type'), 'retry-after': res.headers.get('retry-after') };
  return JSON.stringify({ status: res.status, headers, body: await res.text() }, null, 2);
}

describe('with and without the fast paths', () => {
  it.each(parityCases.map((c) => [c.name, c] as const))('answers %s identically', async (_name, c) => {
    for (let run = 1; run <= RUNS; run++) {
      const [withFastPaths, without] = [await send(fast, c), await send(reference, c)];
      expect(withFastPaths).toBe(without);
      expect(/\\"GRAPHQL_(PARSE|VALIDATION)_FAILED\\"/.test(without)).toBe(c.malformed ?? false);
    }
  });

  // The known-documents path takes a POST of a known document only when the request is as Apollo would read
  // it the common way: these shapes and Accept headers, each sent RUNS times, prove its choice and its answers.
  const catalog = parityCases.find((c) => c.name === 'catalog page')!;
  const named = { name: 'named', query: 'query Two { viewer { id } } query One { __typename }' };
  const shapes: [string, ParityCase, { headers?: Record<string, string>; body?: string }][] = [
    ...[...CONTENT_TYPE_BY_ACCEPT.keys(), 'text/html', 'application/xml', 'application/json;q=0.1, application/graphql-response+json'].map(
      (accept): [string, ParityCase, { headers?: Record<string, string> }] => [`Accept: ${accept}`, catalog, accept === undefined ? {} : { headers: { accept } }],
    ),
    ['content-type with charset', catalog, { headers: { 'content-type': 'application/json; charset=utf-8' } }],
    ['content-type text/plain (CSRF)', catalog, { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: catalog.query }) }],
    ['operationName and variables null', catalog, { body: JSON.stringify({ query: catalog.query, operationName: null, variables: null }) }],
    ['variables a string', catalog, { body: JSON.stringify({ query: catalog.query, variables: '{}' }) }],
    ['variables an array', catalog, { body: JSON.stringify({ query: catalog.query, variables: [] }) }],
    ['operationName a number', catalog, { body: JSON.stringify({ query: catalog.query, operationName: 1 }) }],
    ['extensions', catalog, { body: JSON.stringify({ query: catalog.query, extensions: {} }) }],
    ['a batch', catalog, { body: JSON.stringify([{ query: catalog.query }]) }],
    ['operation chosen by name', named, { body: JSON.stringify({ query: named.query, operationName: 'One' }) }],
    ['the other operation', named, { body: JSON.stringify({ query: named.query, operationName: 'Two' }) }],
    ['no operation named', named, { body: JSON.stringify({ query: named.query }) }],
    ['an unknown operation name', named, { body: JSON.stringify({ query: named.query, operationName: 'Three' }) }],
  ];
  it.each(shapes)('answers a known document with %s identically', async (_name, c, http) => {
    for (let run = 1; run <= RUNS; run++) expect(await send(fast, c, http)).toBe(await send(reference, c, http));
  });

  it('compared the known-documents path, not only Apollo', () => {
    const names = parityCases.filter((c) => mockAnswered.has(c.query)).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['catalog page', 'product by slug', 'customer', 'cart as its customer', 'customer loyalty']));
    expect(mockAnswered.has(named.query)).toBe(true);
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
