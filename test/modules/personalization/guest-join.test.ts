import { idOf } from '../../../src/core/global-id';
import { createCategory, createListing, createProduct, createSeller } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { countRows, event, newVisitor, setConsent, track, VIEWER_TRAITS } from './personalization-fixtures';

let t: TestApp;
let productId: string;
let listingId: string;
let accounts = 0;
beforeAll(async () => {
  t = await startTestApp();
  const seller = await createSeller(t);
  const product = await createProduct(t, seller.key, { categoryId: await createCategory(t) });
  productId = product.id;
  listingId = await createListing(t, seller.key, product.variantIds[0]!);
});
afterAll(() => t.stop());

const PASSWORD = 'correct horse battery';
const SIGN_UP = `mutation ($input: CustomerSignUpInput!) {
  customerSignUp(input: $input) { customer { id } customerAccessToken { accessToken } userErrors { field code } }
}`;
const LOGIN = `mutation ($input: CustomerLoginInput!) {
  customerLogin(input: $input) { customer { id } customerAccessToken { accessToken } userErrors { field code } }
}`;

async function signUp(extra: Record<string, unknown> = {}) {
  const email = `joiner-${process.pid}-${++accounts}@example.com`;
  const data = await t.data(SIGN_UP, { input: { email, password: PASSWORD, name: 'Joiner', ...extra } });
  expect(data.customerSignUp.userErrors).toEqual([]);
  return { email, id: idOf(data.customerSignUp.customer.id, 'Customer')!, token: data.customerSignUp.customerAccessToken.accessToken as string };
}

const visitorEvents = (visitor: string) =>
  countRows(t, 'SELECT 1 FROM touchpoint_event WHERE visitor_id = $1 AND customer_id IS NULL', [visitor.split('.')[0]]);
const customerEvents = (id: string) => countRows(t, 'SELECT 1 FROM touchpoint_event WHERE customer_id = $1', [id]);

describe("a guest's touchpoints", () => {
  it('join the customer at login, in the step that merges the guest cart, without doubling shared client ids', async () => {
    const account = await signUp();
    await setConsent(t, account.token, true);
    expect((await track(t, [event('PRODUCT_VIEWED', { productId, id: 'same' })], account.token)).accepted).toBe(1);

    const visitor = await newVisitor(t);
    const guestEvents = [
      event('PRODUCT_VIEWED', { productId, id: 'same' }),
      event('PRODUCT_LIKED', { productId, id: 'g-like' }),
      event('LISTING_ADDED_TO_CART', { listingId, id: 'g-cart' }),
    ];
    expect((await track(t, guestEvents, undefined, visitor)).accepted).toBe(3);
    const cart = await t.data('mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code } } }', {
      input: { lines: [{ listingId, quantity: 1 }] },
    });
    const login = await t.data(LOGIN, { input: { email: account.email, password: PASSWORD, cartId: cart.cartCreate.cart.id, visitorId: visitor } });
    expect(login.customerLogin.userErrors).toEqual([]);
    expect(await visitorEvents(visitor)).toBe(0);
    expect(await customerEvents(account.id)).toBe(3);
    const traits = (await t.data(VIEWER_TRAITS, {}, login.customerLogin.customerAccessToken.accessToken)).viewer.traits;
    expect(traits.categoryAffinities).toHaveLength(1);
    expect(traits.lastSeenAt.value).not.toBeNull();
    const cartNow = (await t.data('query { viewer { cart { lines { quantity } } } }', {}, account.token)).viewer.cart;
    expect(cartNow.lines).toEqual([{ quantity: 1 }]);
  });

  it('join at sign-up when the form gives the personalization consent', async () => {
    const visitor = await newVisitor(t);
    expect((await track(t, [event('PRODUCT_VIEWED', { productId }), event('PRODUCT_SHARED', { productId })], undefined, visitor)).accepted).toBe(2);
    const account = await signUp({ visitorId: visitor, consents: ['PERSONALIZATION'] });
    expect(await visitorEvents(visitor)).toBe(0);
    expect(await customerEvents(account.id)).toBe(2);
    const consents = (await t.data('query { viewer { consents { kind granted source } } }', {}, account.token)).viewer.consents;
    expect(consents).toContainEqual({ kind: 'PERSONALIZATION', granted: true, source: 'sign-up' });
  });

  it('are deleted at sign-up without the consent: nothing individual joins the account', async () => {
    const visitor = await newVisitor(t);
    expect((await track(t, [event('PRODUCT_VIEWED', { productId })], undefined, visitor)).accepted).toBe(1);
    const account = await signUp({ visitorId: visitor });
    expect(await visitorEvents(visitor)).toBe(0);
    expect(await customerEvents(account.id)).toBe(0);
    expect((await t.data(VIEWER_TRAITS, {}, account.token)).viewer.traits).toBeNull();
  });

  it('stay with the visitor when the login names a forged visitor id', async () => {
    const account = await signUp();
    await setConsent(t, account.token, true);
    const visitor = await newVisitor(t);
    await track(t, [event('PRODUCT_VIEWED', { productId })], undefined, visitor);
    const forged = `${visitor.slice(0, 37)}${'B'.repeat(43)}`;
    const login = await t.data(LOGIN, { input: { email: account.email, password: PASSWORD, visitorId: forged } });
    expect(login.customerLogin.userErrors).toEqual([]);
    expect(await visitorEvents(visitor)).toBe(1);
    expect(await customerEvents(account.id)).toBe(0);
  });
});
