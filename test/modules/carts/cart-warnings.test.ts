import { createSeller, type TestSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { CART_QUERY, LINES_ADD, createCart, eur, listing } from './cart-fixtures';

let t: TestApp;
let a: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  a = await createSeller(t);
});
afterAll(() => t.stop());

const LISTING_UPDATE = `mutation ($input: ListingUpdateInput!) { listingUpdate(input: $input) { userErrors { code } } }`;
const STOCK_SET = `mutation ($input: ListingStockSetInput!) { listingStockSet(input: $input) { userErrors { code } } }`;
const LISTING_ARCHIVE = `mutation ($input: ListingArchiveInput!) { listingArchive(input: $input) { userErrors { code } } }`;
const read = async (id: string) => (await t.data(CART_QUERY, { id })).cart;

describe('cart warnings', () => {
  it('reports a price change since the line was added and charges the new price', async () => {
    const x = await listing(t, a, { price: eur(1000), stock: 10 });
    const cart = await createCart(t, [{ listingId: x, quantity: 2 }]);
    await t.data(LISTING_UPDATE, { input: { id: x, price: eur(1250) } }, a.key);
    const now = await read(cart.id);
    expect(now.warnings).toEqual([{ code: 'PRICE_CHANGED', message: expect.stringContaining('€12.50'), lineId: cart.lines[0].id }]);
    expect(now.lines[0]).toMatchObject({ priceAtAdd: { amount: 1000 }, unitPrice: { amount: 1250 }, subtotal: { amount: 2500 } });
    expect(now).toMatchObject({ subtotal: { amount: 2500 }, total: { amount: 2999 } });
    const more = await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x }] } });
    expect(more.cartLinesAdd.warnings).toEqual(now.warnings);
  });

  it('accepts more than the stock and warns how many are left', async () => {
    const x = await listing(t, a, { stock: 3 });
    const cart = await createCart(t, [{ listingId: x, quantity: 5 }]);
    const warning = { code: 'INSUFFICIENT_STOCK', message: expect.stringContaining('Only 3 left'), lineId: cart.lines[0].id };
    expect(cart.warnings).toEqual([warning]);
    await t.data(STOCK_SET, { input: { listingId: x, stock: 0 } }, a.key);
    expect((await read(cart.id)).warnings).toEqual([{ ...warning, message: expect.stringContaining('out of stock') }]);
    await t.data(STOCK_SET, { input: { listingId: x, stock: 5 } }, a.key);
    expect((await read(cart.id)).warnings).toEqual([]);
  });

  it('leaves out of the totals a line whose listing was archived, seller suspended or product withdrawn', async () => {
    const b = await createSeller(t);
    const [kept, archived, suspended] = [
      await listing(t, a, { price: eur(100) }),
      await listing(t, a, { price: eur(200) }),
      await listing(t, b, { price: eur(400) }),
    ];
    const productOf = async (id: string) =>
      (await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { product { id } } } }', { id }, a.key)).node.product.id;
    const withdrawn = await listing(t, a, { price: eur(800) });
    const withdrawnProduct = await productOf(withdrawn);
    const cart = await createCart(t, [{ listingId: kept }, { listingId: archived }, { listingId: suspended }, { listingId: withdrawn }]);
    expect(cart).toMatchObject({ subtotal: { amount: 1500 }, shipping: { amount: 998 } });

    await t.data(LISTING_ARCHIVE, { input: { id: archived } }, a.key);
    await t.data('mutation ($input: SellerSuspendInput!) { sellerSuspend(input: $input) { userErrors { code } } }', { input: { sellerId: b.id } }, ADMIN_KEY);
    await t.data(
      'mutation ($input: ProductUpdateInput!) { productUpdate(input: $input) { userErrors { code } } }',
      { input: { id: withdrawnProduct, status: 'DRAFT' } },
      a.key,
    );
    const now = await read(cart.id);
    const gone = cart.lines.slice(1).map((l: { id: string }) => l.id);
    expect(now.warnings).toEqual(gone.map((lineId: string) => ({ code: 'LISTING_UNAVAILABLE', message: expect.any(String), lineId })));
    expect(now.lines.map((l: { available: boolean }) => l.available)).toEqual([true, false, false, false]);
    expect(now).toMatchObject({ subtotal: { amount: 100 }, shipping: { amount: 499 }, total: { amount: 599 }, totalQuantity: 1 });
    expect(now.sellerGroups).toEqual([expect.objectContaining({ seller: { id: a.id }, lines: [{ id: cart.lines[0].id }] })]);
    // None of them can be added again: a cart add reads the listing's visibility with it (listingVisibilityById).
    for (const listingId of [archived, suspended, withdrawn]) {
      const again = await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId }] } });
      expect({ listingId, errors: again.cartLinesAdd.userErrors }).toEqual({
        listingId,
        errors: [{ field: ['input', 'lines', '0', 'listingId'], message: expect.any(String), code: 'NOT_FOUND' }],
      });
    }
  });
});
