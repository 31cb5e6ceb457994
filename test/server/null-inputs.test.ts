import { startTestApp, type TestApp } from '../helpers/test-app';
import { createCategory, createProduct, createSeller, type TestSeller } from '../helpers/fixtures';

let t: TestApp;
let seller: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
});
afterAll(() => t.stop());

// Generated clients send every optional variable, as null when unset. Three times each: from the
// third identical request the operation runs compiled by graphql-jit (server/jit-executor.ts).
describe('explicit nulls in optional inputs', () => {
  it('reads products(filter: null) as no filter, on graphql-js and graphql-jit alike', async () => {
    const product = await createProduct(t, seller.key);
    for (let i = 0; i < 3; i++) {
      const res = await t.request('{ products(first: 100, filter: null) { nodes { id } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.products.nodes.map((n: { id: string }) => n.id)).toContain(product.id);
    }
    for (let i = 0; i < 3; i++) {
      const data = await t.data('query ($filter: ProductFilter) { products(first: 100, filter: $filter) { nodes { id } } }', { filter: null });
      expect(data.products.nodes.map((n: { id: string }) => n.id)).toContain(product.id);
    }
  });

  it('reads nulls inside a filter as absent fields', async () => {
    const product = await createProduct(t, seller.key);
    const filter = { category: null, seller: null, priceMin: null, priceMax: null, condition: null, inStock: null };
    for (let i = 0; i < 3; i++) {
      const data = await t.data('query ($filter: ProductFilter) { products(first: 100, filter: $filter) { nodes { id } } }', { filter });
      expect(data.products.nodes.map((n: { id: string }) => n.id)).toContain(product.id);
    }
  });

  it('leaves fields sent as null unchanged in an update', async () => {
    const categoryId = await createCategory(t);
    const product = await createProduct(t, seller.key, { categoryId });
    const data = await t.data(
      `mutation ($input: ProductUpdateInput!) {
        productUpdate(input: $input) { product { title category { id } } userErrors { field message code } }
      }`,
      { input: { id: product.id, title: 'Renamed', slug: null, description: null, categoryId: null, images: null, attributes: null, status: null } },
      seller.key,
    );
    expect(data.productUpdate.userErrors).toEqual([]);
    expect(data.productUpdate.product).toEqual({ title: 'Renamed', category: { id: categoryId } });
  });

  it('creates a cart with input: null and sets its buyer identity with a null address', async () => {
    const created = await t.data('mutation { cartCreate(input: null) { cart { id } userErrors { message } } }');
    expect(created.cartCreate.userErrors).toEqual([]);
    const data = await t.data(
      `mutation ($input: CartBuyerIdentityUpdateInput!) {
        cartBuyerIdentityUpdate(input: $input) { cart { email shippingAddress { city } } userErrors { field message } }
      }`,
      { input: { cartId: created.cartCreate.cart.id, email: 'nulls@example.com', shippingAddress: null, addressId: null } },
    );
    expect(data.cartBuyerIdentityUpdate).toEqual({ cart: { email: 'nulls@example.com', shippingAddress: null }, userErrors: [] });
  });
});
