import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { statementCount } from '../../src/db/data-source';
import { estimateCost } from '../../src/server/cost';
import { deploymentSchema } from '../../src/server/deployment-schema';
import { insertCustomers } from '../helpers/customers';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import loyaltyPoints from '../../plugins/loyalty-points';
import { giftWrap } from '../plugin-host/gift-wrap';

const schema = deploymentSchema();
const examples = parse(readFileSync(path.join(__dirname, '..', '..', 'schema', 'examples.graphql'), 'utf8'));
/** Queries and mutations: subscriptions (MyOffers, MyOrderUpdates) run over WebSocket, as their own suites test. */
const operations = new Map(
  examples.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription')
    .map((d) => [d.name!.value, print(d)]),
);
const estimate = (query: string, variables: Record<string, unknown> = {}) => estimateCost(schema, parse(query), undefined, variables);

let t: TestApp;
let sellers: TestSeller[];
let customer: string;
/** A customer whose session the Logout example ends. */
let leaving: string;
let catalogIds: string[];
let wideSlug: string;
let wideVariants: string[];
let categoryId: string;

/** A page's worth of catalog: 6 products of 3 variants, each variant listed by 2 sellers; one product of 100 variants. */
beforeAll(async () => {
  // No polling and no timed sweeps on the app's pool (complaint deadlines every 60 s, payment recovery every
  // 30 s, the search tiers' ranking every 300 s; one once landed inside a measured request): every statement counted below is the request's (or the
  // events it woke). Two plugins for the plugin examples: PluginInstall installs loyalty-points,
  // AddToCartGiftWrapped sets gift-wrap's option.
  t = await startTestApp({
    eventPollIntervalMs: 600_000,
    complaintScheduler: false,
    paymentRecoveryMs: 86_400_000,
    searchTierMs: 86_400_000,
    plugins: [loyaltyPoints, giftWrap],
    migrateOnStart: true,
  });
  sellers = [await createSeller(t), await createSeller(t)];
  for (const seller of sellers) {
    const wrap = await t.data(
      'mutation { pluginInstall(input: { plugin: "gift-wrap", acceptPermissions: ["orders:read"] }) { userErrors { code } } }',
      {},
      seller.key,
    );
    expect(wrap.pluginInstall.userErrors).toEqual([]);
  }
  categoryId = await createCategory(t);
  await createCategory(t, categoryId);
  catalogIds = [];
  for (let i = 0; i < 6; i++) {
    const product = await createProduct(t, sellers[0]!.key, {
      categoryId,
      variants: ['S', 'M', 'L'].map((size) => ({ options: [{ name: 'size', value: size }] })),
    });
    catalogIds.push(product.id);
    await Promise.all(sellers.flatMap((s) => product.variantIds.map((v) => createListing(t, s.key, v))));
  }
  const wide = await createProduct(t, sellers[0]!.key, {
    variants: Array.from({ length: 100 }, (_, i) => ({ options: [{ name: 'n', value: String(i) }] })),
  });
  wideSlug = wide.slug;
  wideVariants = wide.variantIds;
  const [one, two] = await insertCustomers(t, 2);
  customer = one!.token;
  leaving = two!.token;
}, 120_000);
afterAll(() => t.stop());

/** The statement counter once it has rested for 150 ms. */
async function settled(): Promise<number> {
  let last = -1;
  for (let now = statementCount(t.app.dataSource); now !== last; now = statementCount(t.app.dataSource)) {
    last = now;
    await new Promise((r) => setTimeout(r, 150));
  }
  return last;
}

/**
 * Statements the request ran, the events it woke included: counted until the counter rests, after what
 * earlier requests woke (their events' hooks, on a loaded machine late) has run its course.
 */
async function measure(query: string, variables: Record<string, unknown>, token?: string) {
  await t.app.services.events.drain();
  const before = await settled();
  const res = await t.request(query, variables, token);
  return { res, statements: (await settled()) - before };
}

/**
 * The statements an operation costs beyond its request's authentication (a customer's token is checked
 * against its account and session, a key against its row): the estimate counts what resolvers read.
 */
async function measureOperation(query: string, variables: Record<string, unknown>, token?: string) {
  const { statements: authentication } = await measure('{ __typename }', {}, token);
  const { res, statements } = await measure(query, variables, token);
  return { res, statements: statements - authentication };
}

/** Objects with an id in a response: the rows it read. */
function rows(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + rows(v), 0);
  if (!value || typeof value !== 'object') return 0;
  return (('id' in value ? 1 : 0) as number) + Object.values(value).reduce((n: number, v) => n + rows(v), 0);
}

/** The plugin examples run for real (the others may answer with userErrors, e.g. on fake IDs). */
const PLUGIN_EXAMPLES = new Set(['AddToCartGiftWrapped', 'AvailablePlugins', 'PluginInstall']);

/** A well-formed global ID of `type` that names no row. */
const fakeId = (type: string) => Buffer.from(`${type}:00000000-0000-4000-8000-000000000000`).toString('base64url');

/**
 * For the complaint examples: a complaint (wishing a return) about a delivered order of the customer's, and
 * a second delivered order, on which the ComplaintOpen example opens one.
 */
async function deliveredOrderOf(listingId: string) {
  const order = async () => {
    const res = await t.data(
      'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id seller { id } lines { id } } } userErrors { code } } }',
      { input: { listingId, quantity: 2, idempotencyKey: `cost-${Math.random()}` } },
      customer,
    );
    const placed = res.buyNow.checkout.orders[0];
    const seller = sellers.find((s) => s.id === placed.seller.id)!;
    await t.data('mutation ($id: ID!) { orderFulfill(input: { id: $id, carrier: "SEUR", trackingNumber: "S1" }) { userErrors { code } } }', { id: placed.id }, seller.key);
    await t.data('mutation ($id: ID!) { orderMarkDelivered(input: { id: $id }) { userErrors { code } } }', { id: placed.id }, seller.key);
    return { orderId: placed.id as string, lineId: placed.lines[0].id as string, sellerId: seller.id, sellerKey: seller.key };
  };
  const complained = await order();
  const opened = await t.data(
    'mutation ($id: ID!) { complaintOpen(input: { orderId: $id, reason: DAMAGED, description: "Broken.", desiredResolution: RETURN_AND_REFUND }) { complaint { id } userErrors { code } } }',
    { id: complained.orderId },
    customer,
  );
  expect(opened.complaintOpen.userErrors).toEqual([]);
  return { ...(await order()), id: opened.complaintOpen.complaint.id as string };
}

describe('the cost estimate', () => {
  it('is an upper bound of the SQL statements of every operation in schema/examples.graphql', async () => {
    const seller = sellers[0]!;
    const product = await t.data('query ($id: ID!) { node(id: $id) { ... on Product { slug variants { id listings { id } } } } }', { id: catalogIds[0] });
    const variantId: string = product.node.variants[0].id;
    const listingId: string = product.node.variants[0].listings[0].id;
    const cart = await t.data('mutation ($l: ID!) { cartCreate(input: { lines: [{ listingId: $l, quantity: 1 }] }) { cart { id lines { id } } } }', { l: listingId }, customer);
    const cartId: string = cart.cartCreate.cart.id;
    const lineId: string = cart.cartCreate.cart.lines[0].id;
    const complaint = await deliveredOrderOf(listingId);
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    const visitor = await t.data('mutation { visitorCreate { visitorId } }');
    const visitorId: string = visitor.visitorCreate.visitorId;
    const runs: [name: string, variables: Record<string, unknown>, token?: string][] = [
      ['Catalog', {}],
      ['Deals', { category: categoryId }],
      ['ProductPage', { slug: product.node.slug }],
      ['CategoryTree', {}],
      ['SellerPage', { slug: seller.slug }],
      ['SignUp', {}],
      ['Me', {}, customer],
      ['AddToCart', { listingId }, customer],
      ['CartPage', { id: cartId }, customer],
      ['ChangeQuantity', { cartId, lineId }, customer],
      ['AddToCartGiftWrapped', { listingId, options: { 'gift-wrap': { wrap: true, message: 'Happy birthday' } } }, customer],
      ['AvailablePlugins', {}, sellers[1]!.key],
      ['PluginInstall', {}, sellers[1]!.key],
      ['CreateProduct', {}, seller.key],
      ['ListIt', { variantId }, seller.key],
      ['ListByGtin', {}, sellers[1]!.key],
      ['Restock', { listingId }, seller.key],
      ['MyShop', {}, seller.key],
      ['NewSeller', {}, ADMIN_KEY],
      ['MyInvoices', {}, customer],
      ['Invoice', { id: fakeId('Invoice') }, customer],
      ['MyInvoicesThisYear', {}, seller.key],
      ['Login', {}],
      ['RenewAccessToken', { refreshToken: 'zrt_not-a-token' }],
      ['PasswordChange', {}, customer],
      ['PasswordResetRequest', {}],
      ['PasswordReset', { token: 'not-a-token' }],
      ['EmailVerify', { token: 'not-a-token' }],
      ['WarehouseKey', {}, seller.key],
      ['RevokeKey', { id: fakeId('SellerApiKey') }, seller.key],
      ['ProductHistory', { id: catalogIds[0] }, seller.key],
      ['RevisionRevert', { revisionId: fakeId('ProductRevision') }, ADMIN_KEY],
      ['ComplaintOpen', { orderId: complaint.orderId, orderLineId: complaint.lineId }, customer],
      ['ComplaintMessagePost', { complaintId: complaint.id }, customer],
      ['Complaint', { id: complaint.id }, customer],
      ['ComplaintPartialRefund', { complaintId: complaint.id }, complaint.sellerKey],
      ['ComplaintReturn', { complaintId: complaint.id }, complaint.sellerKey],
      ['ComplaintReturnReceive', { complaintId: complaint.id }, complaint.sellerKey],
      ['ComplaintReplace', { complaintId: complaint.id }, complaint.sellerKey],
      ['ComplaintEscalate', { complaintId: complaint.id }, customer],
      ['EscalatedComplaints', {}, ADMIN_KEY],
      ['OverdueComplaints', {}, ADMIN_KEY],
      ['MyComplaintMetrics', { sellerId: complaint.sellerId }, complaint.sellerKey],
      ['Search', {}],
      ['SearchFiltered', { category: categoryId, seller: seller.id }],
      ['SearchSuggest', {}],
      ['SearchInsights', {}, ADMIN_KEY],
      ['NewVisitor', {}],
      ['Track', { visitorId, productId: catalogIds[0], listingId, viewedAt: ago(60), searchedAt: ago(40), addedAt: ago(1) }],
      ['LoginKeepingGuestEvents', { cartId, visitorId }],
      ['AllowPersonalization', {}, customer],
      ['MyTraits', {}, customer],
      ['ProductOffersAndReviews', { slug: product.node.slug }, customer],
      ['Trending', {}],
      ['SellerReviews', { slug: seller.slug }],
      ['ReviewCreate', { orderLineId: fakeId('OrderLine') }, customer],
      ['ReviewUpdate', { id: fakeId('Review') }, customer],
      ['ReviewHelpful', { id: fakeId('Review') }, customer],
      ['ReviewReport', { id: fakeId('Review') }, customer],
      ['ReviewReply', { id: fakeId('Review') }, seller.key],
      ['ReportedReviews', {}, ADMIN_KEY],
      ['ReviewHide', { id: fakeId('Review') }, ADMIN_KEY],
      ['ReviewRestore', { id: fakeId('Review') }, ADMIN_KEY],
      ['PromotionReach', { category: categoryId }, seller.key],
      ['TargetedPromotion', { category: categoryId }, seller.key],
      ['SharedCode', {}, seller.key],
      ['MyPromotions', { seller: seller.id }, seller.key],
      ['ApplyCode', { cart: cartId }, customer],
      ['RemoveCode', { cart: cartId }, customer],
      ['MyOfferInbox', {}, customer],
      ['OfferSeen', { id: fakeId('Offer') }, customer],
      ['OfferRedeem', { id: fakeId('Offer') }, customer],
      ['Like', { productId: catalogIds[0] }, customer],
      ['Unlike', { productId: catalogIds[0] }, customer],
      ['MyLikes', {}, customer],
      ['ProductInSpanish', { slug: product.node.slug }],
      ['ProductTranslations', { productId: catalogIds[0] }, seller.key],
      ['SellerLegalAddress', {}, seller.key],
      ['BusinessBuyer', {}, customer],
      ['Logout', {}, leaving],
      // Last: it ends every session of the customer.
      ['LogoutEverywhere', {}, customer],
    ];
    expect(runs.map(([name]) => name).sort()).toEqual([...operations.keys()].sort());
    const table: { name: string; estimate: number; statements: number }[] = [];
    for (const [name, variables, token] of runs) {
      const query = operations.get(name)!;
      const { res, statements } = await measureOperation(query, variables, token);
      expect({ name, codes: res.errors?.map((e) => e.extensions?.code).filter((c) => c !== 'NOT_FOUND') ?? [] }).toEqual({ name, codes: [] });
      if (PLUGIN_EXAMPLES.has(name)) expect({ name, userErrors: Object.values(res.data ?? {}).map((p) => (p as { userErrors?: unknown[] }).userErrors ?? []) }).toEqual({ name, userErrors: [[]] });
      table.push({ name, estimate: estimate(query, variables), statements });
    }
    if (process.env['ZOCO_COST_TABLE']) console.log(table.map((r) => `${r.name}: ${r.estimate} / ${r.statements}`).join('\n'));
    for (const row of table) expect({ ...row, bounded: row.estimate >= row.statements }).toEqual({ ...row, bounded: true });
    // About a hundred operations, each measured from a rested counter.
  }, 240_000);

  it('is an upper bound of statements and rows of heavy reads, and within twice the rows of full pages', async () => {
    const heavy: [query: string, variables: Record<string, unknown>, full: boolean][] = [
      // Full pages and full lists: what is counted is what is read.
      ['{ products(first: 5) { nodes { id category { id } bestListing { id seller { id } } } } }', {}, true],
      ['query ($slug: String!) { product(slug: $slug) { id variants { id } } }', { slug: wideSlug }, true],
      ['query ($slug: String!) { seller(slug: $slug) { id listings(first: 10) { nodes { id product { id } } } } }', { slug: sellers[1]!.slug }, true],
      ['query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Product { category { id } } } }', { ids: catalogIds }, true],
      // Lists at their worst case, which this data does not reach.
      ['query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id variants { id listings { id seller { id } } } } } }', { ids: catalogIds }, false],
      ['{ products(first: 50) { nodes { id variants { id } listings { id seller { id } } category { id } } } }', {}, false],
      ['{ sellers(first: 10) { nodes { id listings(first: 20) { nodes { id product { id } variant { id } } } } } }', {}, false],
    ];
    for (const [query, variables, full] of heavy) {
      const { res, statements } = await measure(query, variables, ADMIN_KEY);
      expect(res.errors).toBeUndefined();
      const read = rows(res.data);
      const cost = estimate(query, variables);
      const row = { query, cost, statements, read };
      if (process.env['ZOCO_COST_TABLE']) console.log(row);
      expect({ ...row, bounded: cost >= statements && cost >= read }).toEqual({ ...row, bounded: true });
      if (full) expect({ ...row, sane: cost <= 2 * read + 2 }).toEqual({ ...row, sane: true });
    }
  });

  it('counts nodes(ids:) by its ids and lists without a page argument by their real bound', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);
    const q = 'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { slug } } }';
    expect(estimate(q, { ids: ids(1) })).toBe(2);
    expect(estimate(q, { ids: ids(100) })).toBe(101);
    // A product's title is read in the reader's language: one batch of translations per request, however many.
    expect(estimate('query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { title description } } }', { ids: ids(100) })).toBe(102);
    // 100 variants at most (MAX_VARIANTS), and a product's listings at most 100 however many variants share them.
    expect(estimate('{ product(slug: "x") { variants { title } } }')).toBe(1 + 1 + 100);
    expect(estimate('{ product(slug: "x") { listings { sku } } }')).toBe(1 + 1 + 100);
    expect(estimate('{ product(slug: "x") { variants { listings { sku } } } }')).toBe(1 + 1 + 100 * (1 + 1));
    // Pages: the argument, its default (20), nested pages multiplied.
    expect(estimate('{ products(first: 7) { nodes { slug } } }')).toBe(1 + 7);
    expect(estimate('{ products { nodes { slug } } }')).toBe(1 + 20);
    expect(estimate('{ sellers(first: 3) { nodes { listings(first: 4) { nodes { sku } } } } }')).toBe(1 + 3 * (1 + 1 + 4));
    expect(estimate('query ($n: Int!) { products(first: $n) { nodes { slug } } }', { n: 50 })).toBe(1 + 50);
    // A fragment on a connection is the same page; a mutation costs MUTATION_COST whatever it returns.
    expect(estimate('{ products(first: 7) { ...P } } fragment P on ProductConnection { nodes { slug } }')).toBe(1 + 7);
    expect(estimate('mutation { cartCreate { cart { id } } }')).toBe(50 + 1);
  });

  it('holds a product to its 100 best listings, the bound it counts, the buy box among them', async () => {
    // 200 listings of one product: two sellers on each of its 100 variants; one cheapest offer.
    const [a, b] = sellers as [TestSeller, TestSeller];
    const cheapest = await createListing(t, b.key, wideVariants[99]!, { price: { amount: 100, currency: 'EUR' } });
    const rest = [...wideVariants.map((v) => [a.key, v] as const), ...wideVariants.slice(0, 99).map((v) => [b.key, v] as const)];
    for (let i = 0; i < rest.length; i += 25) await Promise.all(rest.slice(i, i + 25).map(([key, v]) => createListing(t, key, v)));
    const query = 'query ($slug: String!) { product(slug: $slug) { bestListing { id } listings { id } variants { listings { id } } } }';
    const { product } = await t.data(query, { slug: wideSlug });
    expect(product.listings).toHaveLength(100);
    expect(product.bestListing).toEqual({ id: cheapest });
    expect(product.listings[0]).toEqual({ id: cheapest });
    expect(product.variants.flatMap((v: { listings: unknown[] }) => v.listings)).toHaveLength(100);
    expect(estimate(query, { slug: wideSlug })).toBeGreaterThanOrEqual(1 + 100 + 100);
  }, 60_000);

  it('holds the taxonomy to 1000 categories, the bound a category tree is counted by', async () => {
    const [{ count }] = await t.app.dataSource.query('SELECT count(*)::int AS count FROM category');
    await t.app.dataSource.query(
      `INSERT INTO category (id, slug, name, path) SELECT id, 'bulk-' || n, 'Bulk ' || n, id::text
         FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $1::int) n) s`,
      [1000 - count],
    );
    const res = await t.data('mutation { categoryCreate(input: { slug: "one-more", name: "One more" }) { category { id } userErrors { code message } } }', {}, ADMIN_KEY);
    expect(res.categoryCreate).toEqual({ category: null, userErrors: [{ code: 'LIMIT_EXCEEDED', message: 'The catalog holds at most 1000 categories.' }] });
    const tree = '{ categories { id children { id children { id } } } }';
    const { statements, res: answer } = await measure(tree, {}, undefined);
    expect(rows(answer.data)).toBeLessThanOrEqual(estimate(tree));
    expect(statements).toBeLessThanOrEqual(estimate(tree));
    expect(estimate(tree)).toBeLessThan(20_000);
  });

  it('refuses the cost bomb the old estimate rated 10,867 with QUERY_TOO_COMPLEX, before any SQL', async () => {
    const bomb = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { variants { listings { seller {
      listings(first: 100) { nodes { product { title } } } } } } } } }`;
    const ids = Array.from({ length: 100 }, (_, i) => catalogIds[i % catalogIds.length]);
    const before = statementCount(t.app.dataSource);
    const res = await t.request(bomb, { ids });
    expect(res).toMatchObject({ status: 400, errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
    expect(res.errors![0]!.message).toMatch(/^The operation costs \d+; the maximum is 20000\./);
    expect(statementCount(t.app.dataSource)).toBe(before);
  });
});
