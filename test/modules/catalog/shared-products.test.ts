import { insertCustomers } from '../../helpers/customers';
import { createListing, createProduct, createSeller, type TestProduct, type TestSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';

let t: TestApp;
let creator: TestSeller;
let other: TestSeller;
let stranger: TestSeller;
let customer: { token: string };
beforeAll(async () => {
  t = await startTestApp();
  [creator, other, stranger] = [await createSeller(t), await createSeller(t), await createSeller(t)];
  customer = (await insertCustomers(t, 1))[0]!;
});
afterAll(() => t.stop());

const UPDATE = `mutation ($input: ProductUpdateInput!) {
  productUpdate(input: $input) { product { id title description status } userErrors { field message code } }
}`;
const ARCHIVE = `mutation ($id: ID!) { productArchive(input: { id: $id }) { product { status } userErrors { field message code } } }`;
const STOREFRONT = `query ($id: ID!) { product(id: $id) { status listings { seller { id } } } }`;
const REVISIONS = `query ($id: ID!, $first: Int, $after: String) {
  product(id: $id) {
    revisions(first: $first, after: $after) {
      nodes { id actorKind seller { id } revertsRevisionId changes { field oldValue newValue } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const REVERT = `mutation ($input: ProductRevisionRevertInput!) {
  productRevisionRevert(input: $input) {
    product { title description }
    revision { id actorKind seller { id } revertsRevisionId changes { field oldValue newValue } }
    userErrors { field message code }
  }
}`;

async function sharedProduct(): Promise<TestProduct> {
  const product = await createProduct(t, creator.key);
  await createListing(t, creator.key, product.variantIds[0]!);
  await createListing(t, other.key, product.variantIds[0]!);
  return product;
}

describe('a product other sellers list', () => {
  it("refuses the creator's draft and archive with PRODUCT_SHARED and keeps the other offers buyable", async () => {
    const product = await sharedProduct();
    const draft = await t.data(UPDATE, { input: { id: product.id, status: 'DRAFT' } }, creator.key);
    expect(draft.productUpdate).toEqual({
      product: null,
      userErrors: [{ field: ['input', 'status'], message: expect.stringMatching(/Other sellers list this product/), code: 'PRODUCT_SHARED' }],
    });
    const archive = await t.data(ARCHIVE, { id: product.id }, creator.key);
    expect(archive.productArchive.userErrors).toEqual([expect.objectContaining({ code: 'PRODUCT_SHARED' })]);
    const seen = await t.data(STOREFRONT, { id: product.id });
    expect(seen.product.status).toBe('ACTIVE');
    expect(seen.product.listings.map((l: { seller: { id: string } }) => l.seller.id)).toContain(other.id);
  });

  it('lets the creator withdraw once the other listings are archived, and the operator at any time', async () => {
    const product = await sharedProduct();
    const { product: listed } = await t.data(`query ($id: ID!) { product(id: $id) { listings { id seller { id } } } }`, { id: product.id });
    const othersListing = listed.listings.find((l: { seller: { id: string } }) => l.seller.id === other.id).id;
    const byOperator = await t.data(UPDATE, { input: { id: product.id, status: 'DRAFT' } }, ADMIN_KEY);
    expect(byOperator.productUpdate).toMatchObject({ product: { status: 'DRAFT' }, userErrors: [] });
    await t.data(UPDATE, { input: { id: product.id, status: 'ACTIVE' } }, ADMIN_KEY);
    await t.data(`mutation ($id: ID!) { listingArchive(input: { id: $id }) { userErrors { code } } }`, { id: othersListing }, other.key);
    const archived = await t.data(ARCHIVE, { id: product.id }, creator.key);
    expect(archived.productArchive).toEqual({ product: { status: 'ARCHIVED' }, userErrors: [] });
  });
});

describe('revisions of a product', () => {
  let product: TestProduct;
  let revisionId: string;
  beforeAll(async () => {
    product = await sharedProduct();
    await t.data(UPDATE, { input: { id: product.id, title: 'Lamp, brass', description: 'A brass lamp.' } }, creator.key);
  });

  it('records who changed which fields from what to what, for the operator and the sellers of the product', async () => {
    for (const key of [ADMIN_KEY, creator.key, other.key]) {
      const { product: seen } = await t.data(REVISIONS, { id: product.id }, key);
      expect(seen.revisions.nodes).toEqual([
        {
          id: expect.any(String),
          actorKind: 'SELLER',
          seller: { id: creator.id },
          revertsRevisionId: null,
          changes: [
            { field: 'TITLE', oldValue: expect.stringMatching(/^Product-/), newValue: 'Lamp, brass' },
            { field: 'DESCRIPTION', oldValue: '', newValue: 'A brass lamp.' },
          ],
        },
      ]);
      revisionId = seen.revisions.nodes[0].id;
    }
    const node = await t.data(`query ($id: ID!) { node(id: $id) { ... on ProductRevision { actorKind } } }`, { id: revisionId }, other.key);
    expect(node.node).toEqual({ actorKind: 'SELLER' });
  });

  it('hides the history from customers, guests and sellers that do not list the product', async () => {
    for (const key of [stranger.key, customer.token, undefined]) {
      expect((await t.data(REVISIONS, { id: product.id }, key)).product.revisions).toBeNull();
    }
    const node = await t.data(`query ($id: ID!) { node(id: $id) { id } }`, { id: revisionId }, stranger.key);
    expect(node.node).toBeNull();
  });

  it('records nothing when an update changes no content', async () => {
    await t.data(UPDATE, { input: { id: product.id, title: 'Lamp, brass' } }, creator.key);
    const { product: seen } = await t.data(REVISIONS, { id: product.id }, ADMIN_KEY);
    expect(seen.revisions.nodes).toHaveLength(1);
  });

  it('lets only the operator revert, as a new revision', async () => {
    for (const key of [creator.key, other.key]) {
      const res = await t.request(REVERT, { input: { revisionId } }, key);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const reverted = await t.data(REVERT, { input: { revisionId } }, ADMIN_KEY);
    expect(reverted.productRevisionRevert).toEqual({
      product: { title: expect.stringMatching(/^Product-/), description: '' },
      revision: {
        id: expect.any(String),
        actorKind: 'OPERATOR',
        seller: null,
        revertsRevisionId: revisionId,
        changes: [
          { field: 'TITLE', oldValue: 'Lamp, brass', newValue: expect.stringMatching(/^Product-/) },
          { field: 'DESCRIPTION', oldValue: 'A brass lamp.', newValue: '' },
        ],
      },
      userErrors: [],
    });
    const again = await t.data(REVERT, { input: { revisionId } }, ADMIN_KEY);
    expect(again.productRevisionRevert.userErrors).toEqual([expect.objectContaining({ field: ['input', 'revisionId'], code: 'INVALID_STATE' })]);
    const { product: seen } = await t.data(REVISIONS, { id: product.id, first: 1 }, other.key);
    expect(seen.revisions.nodes[0].revertsRevisionId).toBe(revisionId);
    const next = await t.data(REVISIONS, { id: product.id, first: 1, after: seen.revisions.pageInfo.endCursor }, other.key);
    expect(next.product.revisions.nodes.map((n: { id: string }) => n.id)).toEqual([revisionId]);
  });

  it('records category and status in API form and reverts them', async () => {
    const category = (await t.data(`mutation { categoryCreate(input: { slug: "lamps-rev", name: "Lamps" }) { category { id } } }`, {}, ADMIN_KEY))
      .categoryCreate.category.id;
    await t.data(UPDATE, { input: { id: product.id, categoryId: category, status: 'DRAFT' } }, ADMIN_KEY);
    const { product: seen } = await t.data(REVISIONS, { id: product.id, first: 1 }, ADMIN_KEY);
    expect(seen.revisions.nodes[0].changes).toEqual([
      { field: 'CATEGORY', oldValue: null, newValue: category },
      { field: 'STATUS', oldValue: 'ACTIVE', newValue: 'DRAFT' },
    ]);
    await t.data(REVERT, { input: { revisionId: seen.revisions.nodes[0].id } }, ADMIN_KEY);
    const after = await t.data(`query ($id: ID!) { product(id: $id) { status category { id } } }`, { id: product.id });
    expect(after.product).toEqual({ status: 'ACTIVE', category: null });
  });

  it('answers a malformed revision ID and a bad cursor as client mistakes', async () => {
    const bad = await t.data(REVERT, { input: { revisionId: 'nope' } }, ADMIN_KEY);
    expect(bad.productRevisionRevert.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_ID' })]);
    const res = await t.request(REVISIONS, { id: product.id, after: Buffer.from('["x"]').toString('base64url') }, ADMIN_KEY);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
