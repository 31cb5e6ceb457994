import { randomUUID } from 'node:crypto';
import { idOf } from '../../../src/core/global-id';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';

let t: TestApp;
let seller: TestSeller;
let customer: TestCustomer;
/** A customer who bought nothing: their affinity is only what the test gives them. */
let fan: TestCustomer;
const products: Record<'a' | 'b', { id: string; listingId: string; categoryId: string }> = {} as never;

const SEARCH = `query ($query: String!, $sort: SearchSort, $personalized: Boolean) {
  search(query: $query, sort: $sort, personalized: $personalized) { nodes { id } }
}`;
const ids = async (variables: object, token?: string) =>
  (await t.data(SEARCH, { query: 'gramófono', ...variables }, token)).search.nodes.map((n: { id: string }) => n.id);

async function buy(listingId: string) {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { userErrors { code message } } }',
    { input: { listingId, quantity: 1, idempotencyKey: randomUUID() } },
    customer.token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
}

async function consent(granted: boolean) {
  const res = await t.data(
    `mutation ($input: CustomerConsentsUpdateInput!) { customerConsentsUpdate(input: $input) { userErrors { code } } }`,
    { input: { consents: [{ kind: 'PERSONALIZATION', granted }], source: 'test' } },
    fan.token,
  );
  expect(res.customerConsentsUpdate.userErrors).toEqual([]);
}

beforeAll(async () => {
  // searchTogetherFrom 1: the page and the counts in one statement even for one search at a time.
  t = await startTestApp({ searchTogetherFrom: 1 });
  seller = await createSeller(t);
  [customer, fan] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
  for (const key of ['a', 'b'] as const) {
    const categoryId = await createCategory(t);
    const p = await createProduct(t, seller.key, { title: 'Gramófono antiguo', language: 'ES', categoryId });
    const listingId = await createListing(t, seller.key, p.variantIds[0]!, { stock: 50 });
    products[key] = { id: p.id, listingId, categoryId };
  }
});
afterAll(() => t.stop());

describe('relevance and popularity', () => {
  it('counts paid units: the best seller leads BEST_SELLING and, other things equal, RELEVANCE', async () => {
    await buy(products.a.listingId);
    await buy(products.a.listingId);
    await buy(products.b.listingId);
    // Units sold reach search after the orders' commit, through the outbox.
    await t.app.services.events.drain();
    const [row] = await t.sql('SELECT sales_count FROM search_product WHERE product_id = $1', [idOf(products.a.id, 'Product')]);
    expect(row.sales_count).toBe(2);
    expect(await ids({ sort: 'BEST_SELLING' })).toEqual([products.a.id, products.b.id]);
    expect(await ids({})).toEqual([products.a.id, products.b.id]);
  });
});

describe('personalization: category affinity', () => {
  // Affinities come from the customer's touchpoints (the personalization module): b's category viewed
  // three times, a's once. Without the consent they are not kept, and not read either.
  async function giveAffinity() {
    const viewed = (id: string) => ({ type: 'PRODUCT_VIEWED', channel: 'WEB', occurredAt: new Date().toISOString(), productId: id });
    const res = await t.data(
      `mutation ($input: EventsTrackInput!) { eventsTrack(input: $input) { userErrors { field code message } } }`,
      { input: { events: [viewed(products.b.id), viewed(products.b.id), viewed(products.b.id), viewed(products.a.id)] } },
      fan.token,
    );
    expect(res.eventsTrack.userErrors).toEqual([]);
  }

  it('nudges a consenting customer toward their categories', async () => {
    await consent(true);
    await giveAffinity();
    expect(await ids({}, fan.token)).toEqual([products.b.id, products.a.id]);
  });

  it('nudges the same when the counts come with the page (one statement reads both: search-page.rows.ts)', async () => {
    await consent(true);
    await giveAffinity();
    const COUNTED = `query ($after: String) { search(query: "gramofono", first: 1, after: $after) {
      totalCount totalCountIsExact nodes { id } pageInfo { endCursor hasNextPage } facets { inStock } } }`;
    const first = (await t.data(COUNTED, {}, fan.token)).search;
    const second = (await t.data(COUNTED, { after: first.pageInfo.endCursor }, fan.token)).search;
    expect([...first.nodes, ...second.nodes].map((n: { id: string }) => n.id)).toEqual([products.b.id, products.a.id]);
    for (const page of [first, second]) expect(page).toMatchObject({ totalCount: 2, totalCountIsExact: true, facets: { inStock: 2 } });
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('records a signed-in customer’s search as a SEARCH_PERFORMED touchpoint', async () => {
    await consent(true);
    await ids({ query: 'Gramófono  ANTIGUO' }, fan.token);
    const rows = await t.sql(`SELECT search_text FROM touchpoint_event WHERE customer_id = $1 AND type = 'SEARCH_PERFORMED'`, [fan.id]);
    expect(rows.map((r) => r.search_text)).toContain('gramofono antiguo');
  });

  it('is off with personalized: false, for other sorts, for guests and without the consent', async () => {
    await consent(true);
    await giveAffinity();
    expect(await ids({ personalized: false }, fan.token)).toEqual([products.a.id, products.b.id]);
    expect(await ids({ sort: 'BEST_SELLING' }, fan.token)).toEqual([products.a.id, products.b.id]);
    expect(await ids({})).toEqual([products.a.id, products.b.id]);
    await consent(false);
    await giveAffinity();
    expect(await ids({}, fan.token)).toEqual([products.a.id, products.b.id]);
    // Read without the consent, rows a crash or a race might leave would not count either.
    await t.sql('INSERT INTO customer_category_affinity VALUES ($1, $2, 9) ON CONFLICT DO NOTHING', [fan.id, idOf(products.b.categoryId, 'Category')]);
    expect(await ids({}, fan.token)).toEqual([products.a.id, products.b.id]);
  });

  it('keeps pages of a personalized search consistent', async () => {
    await consent(true);
    await giveAffinity();
    const first = await t.data(`{ search(query: "gramofono", first: 1) { nodes { id } pageInfo { endCursor } } }`, {}, fan.token);
    const second = await t.data(`query ($after: String) { search(query: "gramofono", first: 1, after: $after) { nodes { id } pageInfo { hasNextPage } } }`,
      { after: first.search.pageInfo.endCursor }, fan.token);
    expect([...first.search.nodes, ...second.search.nodes].map((n: { id: string }) => n.id)).toEqual([products.b.id, products.a.id]);
    expect(second.search.pageInfo.hasNextPage).toBe(false);
  });
});
