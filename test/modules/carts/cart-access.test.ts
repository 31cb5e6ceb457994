import { randomUUID } from 'node:crypto';
import { createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { madrid } from '../../helpers/customers';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import {
  BUYER_UPDATE,
  CART_CREATE,
  CART_QUERY,
  LINES_ADD,
  LINES_REMOVE,
  LINES_UPDATE,
  PASSWORD,
  createCart,
  listing,
  quantities,
  signUp,
} from './cart-fixtures';

let t: TestApp;
let a: TestSeller;
beforeAll(async () => {
  t = await startTestApp();
  a = await createSeller(t);
});
afterAll(() => t.stop());

const VIEWER_CART = `{ viewer { cart { id lines { quantity listing { id } } } } }`;
const LOGIN = `mutation ($input: CustomerLoginInput!) { customerLogin(input: $input) { customerAccessToken { accessToken } userErrors { code } } }`;
const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { checkout { id orders { lines { quantity } } } userErrors { field message code } }
}`;
const ADDRESS = { name: 'Ana', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'es' };

describe('cart ownership', () => {
  it("keeps customer B and guests away from customer A's cart, and A's cart unchanged", async () => {
    const x = await listing(t, a);
    const custA = await signUp(t);
    const custB = await signUp(t);
    const cart = await createCart(t, [{ listingId: x, quantity: 2 }], custA.token);
    const lineId = cart.lines[0].id;
    for (const token of [custB.token, undefined]) {
      expect((await t.data(CART_QUERY, { id: cart.id }, token)).cart).toBeNull();
      expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: cart.id }, token)).node).toBeNull();
      expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: lineId }, token)).node).toBeNull();
      const attempts = [
        [LINES_ADD, 'cartLinesAdd', { cartId: cart.id, lines: [{ listingId: x }] }],
        [LINES_UPDATE, 'cartLinesUpdate', { cartId: cart.id, lines: [{ id: lineId, quantity: 9 }] }],
        [LINES_REMOVE, 'cartLinesRemove', { cartId: cart.id, lineIds: [lineId] }],
        [BUYER_UPDATE, 'cartBuyerIdentityUpdate', { cartId: cart.id, email: 'thief@example.com' }],
      ] as const;
      for (const [mutation, name, input] of attempts) {
        const res = await t.data(mutation, { input }, token);
        expect(res[name]).toEqual({ cart: null, userErrors: [{ field: ['input', 'cartId'], message: 'Cart not found.', code: 'NOT_FOUND' }], warnings: [] });
      }
    }
    const own = await t.data(CART_QUERY, { id: cart.id }, custA.token);
    expect(own.cart).toEqual(cart);
    expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: lineId }, custA.token)).node).toEqual({ id: lineId });
  });

  it('lets anyone who holds a guest cart id use it', async () => {
    const x = await listing(t, a);
    const cart = await createCart(t, [{ listingId: x }]);
    const customer = await signUp(t);
    const added = await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x }] } });
    expect(added.cartLinesAdd.userErrors).toEqual([]);
    const read = await t.data(CART_QUERY, { id: cart.id }, customer.token);
    expect(quantities(read.cart)).toEqual({ [x]: 2 });
  });

  it('refuses carts to sellers and the operator', async () => {
    const x = await listing(t, a);
    const cart = await createCart(t, [{ listingId: x }]);
    for (const key of [a.key, ADMIN_KEY]) {
      expect((await t.request(CART_CREATE, {}, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await t.request(CART_QUERY, { id: cart.id }, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const add = await t.request(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x }] } }, key);
      expect(add.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('gives a customer one active cart: cartCreate returns it with the lines added', async () => {
    const [x, y] = [await listing(t, a), await listing(t, a)];
    const customer = await signUp(t);
    const first = await createCart(t, [{ listingId: x }], customer.token);
    const again = await createCart(t, [{ listingId: x, quantity: 2 }, { listingId: y }], customer.token);
    expect(again.id).toBe(first.id);
    expect(quantities(again)).toEqual({ [x]: 3, [y]: 1 });
    const viewer = await t.data(VIEWER_CART, {}, customer.token);
    expect(viewer.viewer.cart.id).toBe(first.id);
    const empty = await t.data(CART_CREATE, {}, (await signUp(t)).token);
    expect(empty.cartCreate).toMatchObject({ userErrors: [], cart: { lines: [], total: { amount: 0 }, totalQuantity: 0 } });
  });
});

describe('guest cart at sign-in', () => {
  it('is adopted when the customer has no cart, at sign-up and at login', async () => {
    const x = await listing(t, a);
    const guestCart = await createCart(t, [{ listingId: x, quantity: 2 }]);
    const customer = await signUp(t, { cartId: guestCart.id });
    const viewer = await t.data(VIEWER_CART, {}, customer.token);
    expect(viewer.viewer.cart).toEqual({ id: guestCart.id, lines: [{ quantity: 2, listing: { id: x } }] });
    expect((await t.data(CART_QUERY, { id: guestCart.id })).cart).toBeNull();

    const other = await signUp(t);
    const secondGuestCart = await createCart(t, [{ listingId: x }]);
    const login = await t.data(LOGIN, { input: { email: other.email, password: PASSWORD, cartId: secondGuestCart.id } });
    const token = login.customerLogin.customerAccessToken.accessToken;
    expect((await t.data(VIEWER_CART, {}, token)).viewer.cart.id).toBe(secondGuestCart.id);
  });

  it("is merged into the customer's cart at login, quantities summed, and marked merged", async () => {
    const [x, y] = [await listing(t, a), await listing(t, a)];
    const customer = await signUp(t);
    const own = await createCart(t, [{ listingId: x, quantity: 2 }], customer.token);
    const guestCart = await createCart(t, [{ listingId: x, quantity: 3 }, { listingId: y }]);
    await t.data(BUYER_UPDATE, { input: { cartId: guestCart.id, email: 'guest@example.com' } });
    const login = await t.data(LOGIN, { input: { email: customer.email, password: PASSWORD, cartId: guestCart.id } });
    expect(login.customerLogin.userErrors).toEqual([]);
    const token = login.customerLogin.customerAccessToken.accessToken;
    const merged = await t.data(CART_QUERY, { id: own.id }, token);
    expect(quantities(merged.cart)).toEqual({ [x]: 5, [y]: 1 });
    expect(merged.cart.email).toBe('guest@example.com');
    expect((await t.data(CART_QUERY, { id: guestCart.id })).cart).toBeNull();
    const [row] = await t.app.dataSource.query('SELECT status, (SELECT count(*)::int FROM cart_line WHERE cart_id = $1) AS lines FROM cart WHERE id = $1', [
      uuidOf(guestCart.id),
    ]);
    expect(row).toEqual({ status: 'merged', lines: 0 });
    const stale = await t.data(LINES_ADD, { input: { cartId: guestCart.id, lines: [{ listingId: x }] } });
    expect(stale.cartLinesAdd.userErrors).toEqual([{ field: ['input', 'cartId'], message: expect.any(String), code: 'INVALID_STATE' }]);
  });

  it("ignores another customer's cart and malformed ids: sign-in still works", async () => {
    const x = await listing(t, a);
    const owner = await signUp(t);
    const theirs = await createCart(t, [{ listingId: x }], owner.token);
    const customer = await signUp(t);
    for (const cartId of [theirs.id, 'not-an-id']) {
      const login = await t.data(LOGIN, { input: { email: customer.email, password: PASSWORD, cartId } });
      expect(login.customerLogin.userErrors).toEqual([]);
    }
    expect((await t.data(VIEWER_CART, {}, customer.token)).viewer.cart).toBeNull();
    expect(quantities((await t.data(CART_QUERY, { id: theirs.id }, owner.token)).cart)).toEqual({ [x]: 1 });
  });
});

describe('cart buyer identity', () => {
  it('sets the email and a given or saved shipping address', async () => {
    const customer = await signUp(t);
    const cart = await createCart(t, [], customer.token);
    const given = await t.data(BUYER_UPDATE, { input: { cartId: cart.id, email: ' ana@example.com ', shippingAddress: ADDRESS } }, customer.token);
    expect(given.cartBuyerIdentityUpdate.userErrors).toEqual([]);
    expect(given.cartBuyerIdentityUpdate.cart).toMatchObject({
      email: 'ana@example.com',
      shippingAddress: { name: 'Ana', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
    });
    const saved = await t.data(
      `mutation ($input: CustomerAddressCreateInput!) { customerAddressCreate(input: $input) { address { id } userErrors { code } } }`,
      { input: { address: { ...ADDRESS, name: 'Ana Work', line1: 'Gran Vía 2' } } },
      customer.token,
    );
    const addressId = saved.customerAddressCreate.address.id;
    const fromSaved = await t.data(BUYER_UPDATE, { input: { cartId: cart.id, addressId } }, customer.token);
    expect(fromSaved.cartBuyerIdentityUpdate.cart).toMatchObject({ email: 'ana@example.com', shippingAddress: { name: 'Ana Work', line1: 'Gran Vía 2' } });

    const stranger = await signUp(t);
    const theirCart = await createCart(t, [], stranger.token);
    const cases: [object, string | undefined, string, string][] = [
      [{ cartId: theirCart.id, addressId }, stranger.token, 'addressId', 'NOT_FOUND'],
      [{ cartId: cart.id, email: 'not-an-email' }, customer.token, 'email', 'INVALID'],
      [{ cartId: cart.id, shippingAddress: ADDRESS, addressId }, customer.token, 'addressId', 'INVALID'],
      [{ cartId: cart.id, shippingAddress: { ...ADDRESS, country: 'Spain' } }, customer.token, 'shippingAddress.country', 'INVALID'],
    ];
    for (const [input, token, field, code] of cases) {
      const res = await t.data(BUYER_UPDATE, { input }, token);
      expect(res.cartBuyerIdentityUpdate.userErrors).toEqual([{ field: ['input', ...field.split('.')], message: expect.any(String), code }]);
    }
  });
});

describe('cart events and checkout hand-off', () => {
  it('records cart.updated in the transaction of every change', async () => {
    const x = await listing(t, a);
    const cart = await createCart(t, [{ listingId: x }]);
    await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x }] } });
    await t.data(LINES_ADD, { input: { cartId: cart.id, lines: [{ listingId: x, quantity: 0 }] } });
    await t.data(LINES_REMOVE, { input: { cartId: cart.id, lineIds: [cart.lines[0].id] } });
    const events = await t.app.dataSource.query(`SELECT payload FROM outbox WHERE type = 'cart.updated' AND payload->>'cartId' = $1 ORDER BY id`, [
      uuidOf(cart.id),
    ]);
    expect(events.map((e: { payload: unknown }) => e.payload)).toEqual(Array(3).fill({ cartId: uuidOf(cart.id), customerId: null }));
  });

  it('checks out only an owned, non-empty, active cart, and completes it', async () => {
    const x = await listing(t, a);
    const customer = await signUp(t);
    const stranger = await signUp(t);
    const cart = await createCart(t, [{ listingId: x, quantity: 2 }], customer.token);
    const empty = await createCart(t, []);
    const checkout = async (cartId: string, token: string) => {
      const input = { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
      return (await t.data(CHECKOUT, { input }, token)).checkoutComplete;
    };
    const refused = (code: string) => ({ checkout: null, userErrors: [{ field: ['input', 'cartId'], message: expect.any(String), code }] });

    expect(await checkout(cart.id, stranger.token)).toEqual(refused('NOT_FOUND'));
    expect(await checkout(empty.id, customer.token)).toEqual(refused('INVALID'));
    expect(quantities((await t.data(CART_QUERY, { id: cart.id }, customer.token)).cart)).toEqual({ [x]: 2 });
    const done = await checkout(cart.id, customer.token);
    expect(done).toEqual({ checkout: { id: expect.any(String), orders: [{ lines: [{ quantity: 2 }] }] }, userErrors: [] });
    expect(await checkout(cart.id, customer.token)).toEqual(refused('INVALID_STATE'));
    expect((await t.data(VIEWER_CART, {}, customer.token)).viewer.cart).toBeNull();
  });
});
