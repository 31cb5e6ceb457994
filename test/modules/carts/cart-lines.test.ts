import { statementCount } from '../../../src/db/data-source';
import { createSeller, createProduct, type TestSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import {
  CART_QUERY,
  LINES_ADD,
  LINES_REMOVE,
  LINES_UPDATE,
  createCart,
  eur,
  listing,
  quantities,
} from './cart-fixtures';

let t: TestApp;
let a: TestSeller;
let b: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  a = await createSeller(t);
  b = await createSeller(t);
});
afterAll(() => t.stop());

const SELLER_SHIPPING = `mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { userErrors { field code } } }`;

describe('cart lines', () => {
  it('creates a guest cart with lines and reads it back by its id', async () => {
    const x = await listing(t, a, { price: eur(1200) });
    const y = await listing(t, a, { price: eur(300) });
    const cart = await createCart(t, [{ listingId: x, quantity: 2 }, { listingId: y }]);
    expect(quantities(cart)).toEqual({ [x]: 2, [y]: 1 });
    expect(cart.lines[0]).toMatchObject({ available: true, priceAtAdd: { amount: 1200 }, unitPrice: { amount: 1200 }, subtotal: { amount: 2400 } });
    expect(cart).toMatchObject({
      subtotal: { amount: 2700, currency: 'EUR' },
      shipping: { amount: 499 },
      total: { amount: 3199 },
      totalQuantity: 3,
      warnings: [],
    });
    const read = await t.data(CART_QUERY, { id: cart.id });
    expect(read.cart).toEqual(cart);
  });

  it('adds to the quantity of a listing already in the cart, also when repeated in one input', async () => {
    const x = await listing(t, a);
    const cart = await createCart(t, [{ listingId: x, quantity: 2 }]);
    const res = await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x, quantity: 3 }, { listingId: x, quantity: 4 }] } });
    expect(res.cartLinesAdd.userErrors).toEqual([]);
    expect(res.cartLinesAdd.cart.lines).toHaveLength(1);
    expect(res.cartLinesAdd.cart.lines[0].quantity).toBe(9);
    expect(res.cartLinesAdd.cart.lines[0].id).toBe(cart.lines[0].id);
  });

  it('sets quantities, removes a line at quantity 0, and removes lines by id', async () => {
    const [x, y, z] = [await listing(t, a), await listing(t, a), await listing(t, b)];
    const cart = await createCart(t, [{ listingId: x }, { listingId: y }, { listingId: z }]);
    const [lx, ly, lz] = cart.lines.map((l: { id: string }) => l.id);
    const updated = await t.data(LINES_UPDATE, { input: { cartId: cart.id, lines: [{ id: lx, quantity: 5 }, { id: ly, quantity: 0 }] } });
    expect(updated.cartLinesUpdate.userErrors).toEqual([]);
    expect(quantities(updated.cartLinesUpdate.cart)).toEqual({ [x]: 5, [z]: 1 });
    const removed = await t.data(LINES_REMOVE, { input: { cartId: cart.id, lineIds: [lz] } });
    expect(removed.cartLinesRemove.userErrors).toEqual([]);
    expect(quantities(removed.cartLinesRemove.cart)).toEqual({ [x]: 5 });
    expect(removed.cartLinesRemove.cart.sellerGroups.map((g: any) => g.seller.id)).toEqual([a.id]);
  });

  it('reports bad quantities, unknown listings and foreign lines as userErrors and changes nothing', async () => {
    const x = await listing(t, a);
    const archived = await listing(t, a);
    await t.data('mutation ($input: ListingArchiveInput!) { listingArchive(input: $input) { userErrors { code } } }', { input: { id: archived } }, a.key);
    const product = await createProduct(t, a.key);
    const cart = await createCart(t, [{ listingId: x, quantity: 998 }]);
    const other = await createCart(t, [{ listingId: x }]);
    const line = cart.lines[0].id;
    const adds: [object[], string, string][] = [
      [[{ listingId: x, quantity: 0 }], 'lines.0.quantity', 'INVALID'],
      [[{ listingId: x, quantity: -1 }], 'lines.0.quantity', 'NEGATIVE'],
      [[{ listingId: x, quantity: 1000 }], 'lines.0.quantity', 'INVALID'],
      [[{ listingId: x, quantity: 2 }], 'lines.0.quantity', 'INVALID'],
      [[{ listingId: 'nope' }], 'lines.0.listingId', 'INVALID_ID'],
      [[{ listingId: x }, { listingId: product.id }], 'lines.1.listingId', 'INVALID_ID'],
      [[{ listingId: x }, { listingId: archived }], 'lines.1.listingId', 'NOT_FOUND'],
    ];
    for (const [lines, field, code] of adds) {
      const res = await t.data(LINES_ADD, { input: { cartId: cart.id, lines } });
      expect(res.cartLinesAdd.cart).toBeNull();
      expect(res.cartLinesAdd.userErrors).toEqual([{ field: ['input', ...field.split('.')], message: expect.any(String), code }]);
    }
    const updates: [object, string, string][] = [
      [{ cartId: cart.id, lines: [{ id: line, quantity: 1000 }] }, 'lines.0.quantity', 'INVALID'],
      [{ cartId: cart.id, lines: [{ id: other.lines[0].id, quantity: 1 }] }, 'lines.0.id', 'NOT_FOUND'],
      [{ cartId: cart.id, lines: [{ id: x, quantity: 1 }] }, 'lines.0.id', 'INVALID_ID'],
      [{ cartId: 'bad', lines: [] }, 'cartId', 'INVALID_ID'],
    ];
    for (const [input, field, code] of updates) {
      const res = await t.data(LINES_UPDATE, { input });
      expect(res.cartLinesUpdate.userErrors).toEqual([{ field: ['input', ...field.split('.')], message: expect.any(String), code }]);
    }
    const remove = await t.data(LINES_REMOVE, { input: { cartId: cart.id, lineIds: [line, other.lines[0].id] } });
    expect(remove.cartLinesRemove.userErrors).toEqual([{ field: ['input', 'lineIds', '1'], message: expect.any(String), code: 'NOT_FOUND' }]);
    expect(quantities((await t.data(CART_QUERY, { id: cart.id })).cart)).toEqual({ [x]: 998 });
    expect(quantities((await t.data(CART_QUERY, { id: other.id })).cart)).toEqual({ [x]: 1 });
  });

  it('holds at most 100 different listings', async () => {
    const variants = Array.from({ length: 100 }, (_, i) => ({ options: [{ name: 'n', value: String(i) }] }));
    const product = await createProduct(t, b.key, { variants });
    const ids: { id: string }[] = await t.app.dataSource.query(
      `INSERT INTO listing (seller_id, variant_id, product_id, sku, price, currency, stock)
       SELECT s.id, v.id, v.product_id, 'BULK-' || v.position, 100, 'EUR', 5 FROM product_variant v, seller s
        WHERE v.product_id = (SELECT id FROM product WHERE slug = $1) AND s.slug = $2 RETURNING id`,
      [product.slug, b.slug],
    );
    const listingIds = ids.map((r) => Buffer.from(`Listing:${r.id}`).toString('base64url'));
    const cart = await createCart(t, listingIds.map((listingId) => ({ listingId })));
    expect(cart.lines).toHaveLength(100);
    expect(cart.sellerGroups).toHaveLength(1);
    const res = await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: await listing(t, a) }] } });
    expect(res.cartLinesAdd.userErrors).toEqual([{ field: ['input', 'lines'], message: expect.any(String), code: 'LIMIT_EXCEEDED' }]);
    const again = await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: listingIds[0], quantity: 2 }] } });
    expect(again.cartLinesAdd.userErrors).toEqual([]);
  });

  it("groups lines by seller, each with its own shipping, free from the seller's threshold", async () => {
    const c = await createSeller(t);
    const d = await createSeller(t);
    await t.data(SELLER_SHIPPING, { input: { shippingRate: 500, freeShippingThreshold: 3000 } }, c.key);
    const x = await listing(t, c, { price: eur(1000) });
    const y = await listing(t, d, { price: eur(700) });
    const cart = await createCart(t, [{ listingId: x, quantity: 2 }, { listingId: y }]);
    expect(cart.sellerGroups).toEqual([
      {
        seller: { id: c.id },
        lines: [{ id: cart.lines[0].id }],
        subtotal: { amount: 2000 },
        shipping: { amount: 500 },
        total: { amount: 2500 },
        freeShippingRemaining: { amount: 1000 },
      },
      {
        seller: { id: d.id },
        lines: [{ id: cart.lines[1].id }],
        subtotal: { amount: 700 },
        shipping: { amount: 499 },
        total: { amount: 1199 },
        freeShippingRemaining: null,
      },
    ]);
    expect(cart).toMatchObject({ subtotal: { amount: 2700 }, shipping: { amount: 999 }, total: { amount: 3699 }, totalQuantity: 3 });
    const res = await t.data(LINES_UPDATE, { input: { cartId: cart.id, lines: [{ id: cart.lines[0].id, quantity: 3 }] } });
    const updated = res.cartLinesUpdate.cart;
    expect(updated.sellerGroups[0]).toMatchObject({ subtotal: { amount: 3000 }, shipping: { amount: 0 }, freeShippingRemaining: { amount: 0 } });
    expect(updated).toMatchObject({ subtotal: { amount: 3700 }, shipping: { amount: 499 }, total: { amount: 4199 }, totalQuantity: 4 });
  });

  it('never loses a quantity when the same listing is added 20 times at once', async () => {
    const x = await listing(t, a);
    const cart = await createCart(t, [{ listingId: x }]);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x, quantity: 2 }] } })),
    );
    for (const r of results) expect(r.cartLinesAdd.userErrors).toEqual([]);
    const read = await t.data(CART_QUERY, { id: cart.id });
    expect(quantities(read.cart)).toEqual({ [x]: 41 });
  });

  it('reads a cart in the same number of SQL statements for 2 and 8 lines from as many sellers', async () => {
    const query = `query ($id: ID!) { cart(id: $id) {
      lines { quantity unitPrice { amount } available listing { sku seller { name } product { title } } }
      sellerGroups { seller { name shipping { flatRate { amount } } } lines { id } subtotal { amount } shipping { amount } freeShippingRemaining { amount } }
      subtotal { amount } shipping { amount } total { amount } totalQuantity warnings { code }
    } }`;
    const counts: number[] = [];
    for (const size of [2, 8]) {
      const sellers = await Promise.all(Array.from({ length: size }, () => createSeller(t)));
      const listings = await Promise.all(sellers.map((s) => listing(t, s)));
      const cart = await createCart(t, listings.map((listingId) => ({ listingId })));
      const before = statementCount(t.app.dataSource);
      const read = await t.data(query, { id: cart.id });
      counts.push(statementCount(t.app.dataSource) - before);
      expect(read.cart.sellerGroups).toHaveLength(size);
    }
    // cart, lines, listings, sellers, products, the sellers' promotions (issue 10: one batch for all groups);
    // no product here has a translation, so no titles are looked up in the reader's language
    expect(counts).toEqual([6, 6]);
  });
});
