import { randomUUID } from 'node:crypto';
import { idOf } from '../../../src/core/global-id';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';

let t: TestApp;
let seller: TestSeller;
let customer: TestCustomer;
const sql = <T = any>(query: string, params: unknown[] = []): Promise<T[]> => t.app.dataSource.query(query, params);
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
    customer.token,
  );
  expect(res.customerConsentsUpdate.userErrors).toEqual([]);
}

beforeAll(async () => {
  t = await startTestApp();
  // The personalization module's table (CONTRACTS A), as its migration creates it when that module is in.
  await sql(`CREATE TABLE IF NOT EXISTS customer_category_affinity (
    customer_id uuid NOT NULL, category_id uuid NOT NULL, score real NOT NULL, PRIMARY KEY (customer_id, category_id))`);
  seller = await createSeller(t);
  [customer] = await insertCustomers(t, 1) as [TestCustomer];
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
    const [row] = await sql('SELECT sales_count FROM search_product WHERE product_id = $1', [idOf(products.a.id, 'Product')]);
    expect(row.sales_count).toBe(2);
    expect(await ids({ sort: 'BEST_SELLING' })).toEqual([products.a.id, products.b.id]);
    expect(await ids({})).toEqual([products.a.id, products.b.id]);
  });
});

describe('personalization: category affinity', () => {
  beforeAll(async () => {
    await sql('INSERT INTO customer_category_affinity VALUES ($1, $2, 0.9)', [customer.id, idOf(products.b.categoryId, 'Category')]);
  });

  it('nudges a consenting customer toward their categories', async () => {
    await consent(true);
    expect(await ids({}, customer.token)).toEqual([products.b.id, products.a.id]);
  });

  it('is off with personalized: false, for other sorts, for guests and without the consent', async () => {
    await consent(true);
    expect(await ids({ personalized: false }, customer.token)).toEqual([products.a.id, products.b.id]);
    expect(await ids({ sort: 'BEST_SELLING' }, customer.token)).toEqual([products.a.id, products.b.id]);
    expect(await ids({})).toEqual([products.a.id, products.b.id]);
    await consent(false);
    expect(await ids({}, customer.token)).toEqual([products.a.id, products.b.id]);
  });

  it('keeps pages of a personalized search consistent', async () => {
    await consent(true);
    const first = await t.data(`{ search(query: "gramofono", first: 1) { nodes { id } pageInfo { endCursor } } }`, {}, customer.token);
    const second = await t.data(`query ($after: String) { search(query: "gramofono", first: 1, after: $after) { nodes { id } pageInfo { hasNextPage } } }`,
      { after: first.search.pageInfo.endCursor }, customer.token);
    expect([...first.search.nodes, ...second.search.nodes].map((n: { id: string }) => n.id)).toEqual([products.b.id, products.a.id]);
    expect(second.search.pageInfo.hasNextPage).toBe(false);
  });
});
