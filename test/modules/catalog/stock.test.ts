import { randomUUID } from 'node:crypto';
import { idOf, toGlobalId } from '../../../src/core/global-id';
import { createPluginScope, PluginScopeError } from '../../../src/plugin-host/plugin-scope';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';

// Every stock change goes through catalog's stock.ts: these check the stock and the product's in-stock
// flag after each kind of change, through the API (and a plugin scope for plugin-created listings).

let t: TestApp;
let seller: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
});
afterAll(() => t.stop());

async function newListing(stock: number): Promise<{ productId: string; listingId: string }> {
  const product = await createProduct(t, seller.key);
  const listingId = await createListing(t, seller.key, product.variantIds[0]!, { stock });
  return { productId: product.id, listingId };
}

const STATE = `query ($product: ID!, $listing: ID!) {
  product(id: $product) { inStock } node(id: $listing) { ... on Listing { stock } } }`;
async function state(productId: string, listingId: string): Promise<{ inStock: boolean; stock: number }> {
  const data = await t.data(STATE, { product: productId, listing: listingId }, seller.key);
  return { inStock: data.product.inStock, stock: data.node.stock };
}

const BUY = 'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code } } }';
async function buy(customer: TestCustomer, listingId: string, quantity: number) {
  const res = await t.data(BUY, { input: { listingId, quantity, idempotencyKey: randomUUID() } }, customer.token);
  return res.buyNow as { checkout: { orders: { id: string }[] } | null; userErrors: { code: string }[] };
}

describe('stock: one owner', () => {
  it('sells no more than the stock to concurrent buyers, and the product runs out with the last unit', async () => {
    const { productId, listingId } = await newListing(3);
    const buyers = await insertCustomers(t, 8);
    const results = await Promise.all(buyers.map((b) => buy(b, listingId, 1)));
    expect(results.filter((r) => r.checkout).length).toBe(3);
    expect(new Set(results.flatMap((r) => r.userErrors.map((e) => e.code)))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(await state(productId, listingId)).toEqual({ inStock: false, stock: 0 });
  });

  it('puts a cancelled order back in stock, and the product is in stock again', async () => {
    const { productId, listingId } = await newListing(2);
    const [buyer] = await insertCustomers(t, 1);
    const bought = await buy(buyer!, listingId, 2);
    expect(bought.userErrors).toEqual([]);
    expect(await state(productId, listingId)).toEqual({ inStock: false, stock: 0 });
    const cancel = await t.data(
      'mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { state } userErrors { code } } }',
      { input: { id: bought.checkout!.orders[0]!.id } },
      buyer!.token,
    );
    expect(cancel.orderCancel.userErrors).toEqual([]);
    expect(await state(productId, listingId)).toEqual({ inStock: true, stock: 2 });
  });

  it("follows the seller's counts and adjustments across zero, and never below it", async () => {
    const { productId, listingId } = await newListing(1);
    const set = (stock: number) =>
      t.data('mutation ($input: ListingStockSetInput!) { listingStockSet(input: $input) { userErrors { code } } }', { input: { listingId, stock } }, seller.key);
    const adjust = async (delta: number) =>
      (await t.data('mutation ($input: ListingStockAdjustInput!) { listingStockAdjust(input: $input) { userErrors { code } } }', { input: { listingId, delta } }, seller.key))
        .listingStockAdjust.userErrors;
    await set(0);
    expect(await state(productId, listingId)).toEqual({ inStock: false, stock: 0 });
    expect(await adjust(2)).toEqual([]);
    expect(await state(productId, listingId)).toEqual({ inStock: true, stock: 2 });
    expect(await adjust(-3)).toEqual([{ code: 'INSUFFICIENT_STOCK' }]);
    expect(await adjust(-2)).toEqual([]);
    expect(await state(productId, listingId)).toEqual({ inStock: false, stock: 0 });
    await set(5);
    expect(await state(productId, listingId)).toEqual({ inStock: true, stock: 5 });
  });

  it("gives a plugin-created listing its initial stock and the product's flag, and refuses a negative one", async () => {
    const sellerId = idOf(seller.id, 'Seller')!;
    const scope = createPluginScope({ plugin: 'stock-test', permissions: ['catalog:write'], sellerId, config: {}, app: t.app.services });
    const input = { title: 'Made to order', price: { amount: 1500, currency: 'EUR' }, sku: `P-${randomUUID()}` };
    const stocked = await scope.createProduct({ ...input, stock: 4 });
    expect(await state(toGlobalId('Product', stocked.productId), toGlobalId('Listing', stocked.listingId))).toEqual({ inStock: true, stock: 4 });
    const empty = await scope.createProduct({ ...input, sku: `P-${randomUUID()}`, stock: 0 });
    expect(empty.slug).not.toBe(stocked.slug);
    expect(await state(toGlobalId('Product', empty.productId), toGlobalId('Listing', empty.listingId))).toEqual({ inStock: false, stock: 0 });
    await expect(scope.createProduct({ ...input, sku: `P-${randomUUID()}`, stock: -1 })).rejects.toThrow(PluginScopeError);
  });
});
