import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';

let t: TestApp;
let a: TestSeller;
let b: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  a = await createSeller(t);
  b = await createSeller(t);
});
afterAll(() => t.stop());

const LISTING_CREATE = `mutation ($input: ListingCreateInput!) {
  listingCreate(input: $input) { listing { id sku price { amount } stock seller { slug } product { slug } } userErrors { field message code } }
}`;
const LISTING_UPDATE = `mutation ($input: ListingUpdateInput!) {
  listingUpdate(input: $input) { listing { id price { amount } } userErrors { field code } }
}`;
const STOCK_ADJUST = `mutation ($input: ListingStockAdjustInput!) {
  listingStockAdjust(input: $input) { listing { stock } userErrors { field code } }
}`;
const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('listings', () => {
  it('lets a second seller list an existing product by GTIN, and the product shows both offers', async () => {
    const product = await createProduct(t, a.key, { variants: [{ options: [{ name: 'size', value: 'M' }], gtin: '8412345678905' }] });
    await createListing(t, a.key, product.variantIds[0]!, { price: eur(2500) });
    const res = await t.data(LISTING_CREATE, { input: { gtin: '8412345678905', sku: 'B-1', price: eur(2300), stock: 2 } }, b.key);
    expect(res.listingCreate.userErrors).toEqual([]);
    expect(res.listingCreate.listing.product.slug).toBe(product.slug);
    const view = await t.data(
      'query ($slug: String!) { product(slug: $slug) { priceRange { min { amount } max { amount } } listings { seller { slug } } } }',
      { slug: product.slug },
    );
    expect(view.product.priceRange).toEqual({ min: { amount: 2300 }, max: { amount: 2500 } });
    expect(view.product.listings.map((l: any) => l.seller.slug)).toEqual([b.slug, a.slug]);
  });

  it('picks the buy box: in stock, then landed price, then seller rating, then stock', async () => {
    const c = await createSeller(t);
    const d = await createSeller(t);
    await t.app.dataSource.query(`UPDATE seller SET rating = CASE slug WHEN $1 THEN 4.9 WHEN $2 THEN 3.1 ELSE rating END`, [c.slug, d.slug]);
    const product = await createProduct(t, a.key);
    const variant = product.variantIds[0]!;
    await createListing(t, a.key, variant, { price: eur(900), stock: 0 });
    await createListing(t, d.key, variant, { price: eur(1000), stock: 50 });
    await createListing(t, c.key, variant, { price: eur(1000), stock: 1 });
    await createListing(t, b.key, variant, { price: eur(1100), stock: 99 });
    const view = await t.data('query ($slug: String!) { product(slug: $slug) { bestListing { seller { slug } } listings { seller { slug } } } }', {
      slug: product.slug,
    });
    expect(view.product.bestListing.seller.slug).toBe(c.slug);
    expect(view.product.listings.map((l: any) => l.seller.slug)).toEqual([c.slug, d.slug, b.slug, a.slug]);
  });

  it('reports bad input as userErrors and stores nothing', async () => {
    const product = await createProduct(t, a.key);
    const variantId = product.variantIds[0]!;
    const cases: [object, string, string][] = [
      [{ variantId, sku: 'N-1', price: eur(-5) }, 'price.amount', 'NEGATIVE'],
      [{ variantId, sku: 'N-2', price: { amount: 100, currency: 'USD' } }, 'price.currency', 'CURRENCY_NOT_SUPPORTED'],
      [{ variantId: 'not-an-id', sku: 'N-3', price: eur(100) }, 'variantId', 'INVALID_ID'],
      [{ variantId: product.id, sku: 'N-4', price: eur(100) }, 'variantId', 'INVALID_ID'],
      [{ gtin: '0000000000000', sku: 'N-5', price: eur(100) }, 'gtin', 'NOT_FOUND'],
      [{ variantId, sku: 'N-6', price: eur(100), stock: -1 }, 'stock', 'NEGATIVE'],
      [{ variantId, sku: '', price: eur(100) }, 'sku', 'BLANK'],
    ];
    for (const [input, field, code] of cases) {
      const res = await t.data(LISTING_CREATE, { input }, a.key);
      expect(res.listingCreate.listing).toBeNull();
      expect(res.listingCreate.userErrors).toContainEqual(expect.objectContaining({ field: ['input', ...field.split('.')], code }));
    }
    const [{ count }] = await t.app.dataSource.query(`SELECT count(*)::int AS count FROM listing WHERE sku LIKE 'N-%'`);
    expect(count).toBe(0);
  });

  it('refuses a duplicate SKU per seller but allows the same SKU for another seller', async () => {
    const product = await createProduct(t, a.key, { variants: [{ options: [{ name: 'c', value: '1' }] }, { options: [{ name: 'c', value: '2' }] }] });
    await createListing(t, a.key, product.variantIds[0]!, { sku: 'DUP-1' });
    const dup = await t.data(LISTING_CREATE, { input: { variantId: product.variantIds[1], sku: 'DUP-1', price: eur(100) } }, a.key);
    expect(dup.listingCreate.userErrors).toEqual([{ field: ['input', 'sku'], message: expect.any(String), code: 'TAKEN' }]);
    const other = await t.data(LISTING_CREATE, { input: { variantId: product.variantIds[1], sku: 'DUP-1', price: eur(100) } }, b.key);
    expect(other.listingCreate.userErrors).toEqual([]);
  });

  it("keeps seller B away from seller A's listing and product", async () => {
    const product = await createProduct(t, a.key);
    const listingId = await createListing(t, a.key, product.variantIds[0]!, { price: eur(700), stock: 4 });
    const update = await t.data(LISTING_UPDATE, { input: { id: listingId, price: eur(1) } }, b.key);
    expect(update.listingUpdate).toEqual({ listing: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }] });
    const stock = await t.data(STOCK_ADJUST, { input: { listingId, delta: -4 } }, b.key);
    expect(stock.listingStockAdjust.userErrors[0].code).toBe('NOT_FOUND');
    const archive = await t.data(
      'mutation ($input: ListingArchiveInput!) { listingArchive(input: $input) { userErrors { code } } }',
      { input: { id: listingId } },
      b.key,
    );
    expect(archive.listingArchive.userErrors[0].code).toBe('NOT_FOUND');
    const edit = await t.data(
      'mutation ($input: ProductUpdateInput!) { productUpdate(input: $input) { product { title } userErrors { code } } }',
      { input: { id: product.id, title: 'Stolen' } },
      b.key,
    );
    expect(edit.productUpdate).toEqual({ product: null, userErrors: [{ code: 'FORBIDDEN' }] });
    const check = await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { price { amount } stock } } }', { id: listingId });
    expect(check.node).toEqual({ price: { amount: 700 }, stock: 4 });
  });

  it('refuses seller mutations to guests and customers', async () => {
    const signUp = await t.data(
      `mutation { customerSignUp(input: { email: "buyer@example.com", password: "correct horse battery", name: "Buyer" }) {
        customerAccessToken { accessToken } } }`,
    );
    const token = signUp.customerSignUp.customerAccessToken.accessToken;
    const input = { title: 'Customer product' };
    const mutation = 'mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id } } }';
    expect((await t.request(mutation, { input }, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(mutation, { input })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('never lets concurrent stock adjustments take stock below zero', async () => {
    const product = await createProduct(t, a.key);
    const listingId = await createListing(t, a.key, product.variantIds[0]!, { stock: 10 });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => t.data(STOCK_ADJUST, { input: { listingId, delta: -1 } }, a.key)),
    );
    const ok = results.filter((r) => r.listingStockAdjust.userErrors.length === 0);
    const refused = results.filter((r) => r.listingStockAdjust.userErrors[0]?.code === 'INSUFFICIENT_STOCK');
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(20);
    const view = await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { stock inStock } } }', { id: listingId });
    expect(view.node).toEqual({ stock: 0, inStock: false });
    const productView = await t.data('query ($id: ID!) { product(id: $id) { inStock } }', { id: product.id });
    expect(productView.product.inStock).toBe(false);
  });

  it('updates the price range when a listing is repriced or archived', async () => {
    const product = await createProduct(t, a.key);
    const cheap = await createListing(t, a.key, product.variantIds[0]!, { price: eur(500) });
    await createListing(t, b.key, product.variantIds[0]!, { price: eur(800) });
    await t.data(LISTING_UPDATE, { input: { id: cheap, price: eur(900) } }, a.key);
    const range = 'query ($id: ID!) { product(id: $id) { priceRange { min { amount } max { amount } } } }';
    expect((await t.data(range, { id: product.id })).product.priceRange).toEqual({ min: { amount: 800 }, max: { amount: 900 } });
    await t.data('mutation ($input: ListingArchiveInput!) { listingArchive(input: $input) { userErrors { code } } }', { input: { id: cheap } }, a.key);
    expect((await t.data(range, { id: product.id })).product.priceRange).toEqual({ min: { amount: 800 }, max: { amount: 800 } });
    const archived = await t.data(LISTING_UPDATE, { input: { id: cheap, price: eur(100) } }, a.key);
    expect(archived.listingUpdate.userErrors[0].code).toBe('INVALID_STATE');
  });

  it('keeps the history of price drops with their event, not of rises', async () => {
    const product = await createProduct(t, a.key);
    const listingId = await createListing(t, a.key, product.variantIds[0]!, { price: eur(1000) });
    for (const amount of [1200, 900, 900, 700]) {
      expect((await t.data(LISTING_UPDATE, { input: { id: listingId, price: eur(amount) } }, a.key)).listingUpdate.userErrors).toEqual([]);
    }
    const drops = await t.app.dataSource.query(
      'SELECT from_price::int AS "from", to_price::int AS "to" FROM listing_price_drop WHERE listing_id = $1 ORDER BY id',
      [uuidOf(listingId)],
    );
    expect(drops).toEqual([
      { from: 1200, to: 900 },
      { from: 900, to: 700 },
    ]);
    const events = await t.app.dataSource.query(
      "SELECT payload->>'from' AS \"from\", payload->>'to' AS \"to\" FROM outbox WHERE type = 'listing.price_dropped' AND payload->>'listingId' = $1 ORDER BY id",
      [uuidOf(listingId)],
    );
    expect(events).toEqual([
      { from: '1200', to: '900' },
      { from: '900', to: '700' },
    ]);
  });

  it('lets the operator act for a seller, naming it', async () => {
    const product = await createProduct(t, a.key);
    const anonymous = await t.request(LISTING_CREATE, { input: { variantId: product.variantIds[0], sku: 'OP-1', price: eur(100) } }, ADMIN_KEY);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const named = await t.data(LISTING_CREATE, { input: { sellerId: b.id, variantId: product.variantIds[0], sku: 'OP-1', price: eur(100) } }, ADMIN_KEY);
    expect(named.listingCreate.listing.seller.slug).toBe(b.slug);
  });
});

describe('products', () => {
  const PRODUCT_CREATE = `mutation ($input: ProductCreateInput!) {
    productCreate(input: $input) { product { id slug status category { id } variants { title options { name value } } } userErrors { field code } }
  }`;

  it('creates a product with variants in a category', async () => {
    const category = await createCategory(t);
    const res = await t.data(
      PRODUCT_CREATE,
      {
        input: {
          title: 'Camiseta de algodón',
          categoryId: category,
          images: [{ url: 'https://img.example/c.jpg', alt: 'front' }],
          attributes: { material: 'cotton' },
          variants: [{ options: [{ name: 'size', value: 'S' }] }, { title: 'Medium', options: [{ name: 'size', value: 'M' }] }],
        },
      },
      a.key,
    );
    expect(res.productCreate.userErrors).toEqual([]);
    expect(res.productCreate.product).toMatchObject({
      slug: 'camiseta-de-algodon',
      status: 'ACTIVE',
      category: { id: category },
      variants: [{ title: 'S' }, { title: 'Medium', options: [{ name: 'size', value: 'M' }] }],
    });
  });

  it('reports unknown categories, bad slugs, duplicate GTINs and malformed IDs as userErrors', async () => {
    const unknownCategory = Buffer.from('Category:00000000-0000-4000-8000-000000000000').toString('base64url');
    const cases: [object, string[], string][] = [
      [{ title: 'X', categoryId: unknownCategory }, ['input', 'categoryId'], 'NOT_FOUND'],
      [{ title: 'X', categoryId: 'garbage' }, ['input', 'categoryId'], 'INVALID_ID'],
      [{ title: 'X', slug: 'Bad Slug!' }, ['input', 'slug'], 'INVALID'],
      [{ title: '' }, ['input', 'title'], 'BLANK'],
      [{ title: 'X', variants: [{ options: [], gtin: '123' }] }, ['input', 'variants', '0', 'gtin'], 'INVALID'],
      [{ title: 'X', variants: [] }, ['input', 'variants'], 'INVALID'],
    ];
    for (const [input, field, code] of cases) {
      const res = await t.data(PRODUCT_CREATE, { input }, a.key);
      expect(res.productCreate.product).toBeNull();
      expect(res.productCreate.userErrors).toContainEqual({ field, code });
    }
    await createProduct(t, a.key, { variants: [{ options: [], gtin: '4006381333931' }] });
    const dup = await t.data(PRODUCT_CREATE, { input: { title: 'Copy', variants: [{ options: [], gtin: '4006381333931' }] } }, b.key);
    expect(dup.productCreate.userErrors).toEqual([{ field: ['input', 'variants'], code: 'TAKEN' }]);
  });

  it('shows a draft only to its creator, who can publish it; other sellers cannot list it', async () => {
    const draft = await createProduct(t, a.key, { status: 'DRAFT' });
    const q = 'query ($id: ID!) { product(id: $id) { status } }';
    expect((await t.data(q, { id: draft.id })).product).toBeNull();
    expect((await t.data(q, { id: draft.id }, b.key)).product).toBeNull();
    expect((await t.data(q, { id: draft.id }, a.key)).product.status).toBe('DRAFT');
    const listing = await t.data(LISTING_CREATE, { input: { variantId: draft.variantIds[0], sku: 'D-1', price: eur(100) } }, b.key);
    expect(listing.listingCreate.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
    await t.data(
      'mutation ($input: ProductUpdateInput!) { productUpdate(input: $input) { userErrors { code } } }',
      { input: { id: draft.id, status: 'ACTIVE' } },
      a.key,
    );
    expect((await t.data(q, { id: draft.id })).product.status).toBe('ACTIVE');
  });

  it('adds and edits variants only as the creator', async () => {
    const product = await createProduct(t, a.key);
    const add = `mutation ($input: ProductVariantsCreateInput!) {
      productVariantsCreate(input: $input) { variants { id title position } userErrors { code } } }`;
    const added = await t.data(add, { input: { productId: product.id, variants: [{ options: [{ name: 'colour', value: 'Red' }] }] } }, a.key);
    expect(added.productVariantsCreate.variants).toEqual([{ id: expect.any(String), title: 'Red', position: 1 }]);
    const foreign = await t.data(add, { input: { productId: product.id, variants: [{ options: [] }] } }, b.key);
    expect(foreign.productVariantsCreate.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
    const edit = await t.data(
      `mutation ($input: ProductVariantUpdateInput!) { productVariantUpdate(input: $input) { variant { title gtin } userErrors { code } } }`,
      { input: { id: added.productVariantsCreate.variants[0].id, title: 'Rojo', gtin: '96385074' } },
      a.key,
    );
    expect(edit.productVariantUpdate.variant).toEqual({ title: 'Rojo', gtin: '96385074' });
  });
});
