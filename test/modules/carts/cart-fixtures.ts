import { createListing, createProduct, type TestSeller } from '../../helpers/fixtures';
import type { TestApp } from '../../helpers/test-app';

export const CART_FIELDS = `fragment CartFields on Cart {
  id email
  shippingAddress { name line1 city postalCode country }
  lines { id quantity available priceAtAdd { amount } unitPrice { amount } subtotal { amount } listing { id } }
  sellerGroups {
    seller { id }
    lines { id }
    subtotal { amount } shipping { amount } total { amount } freeShippingRemaining { amount }
  }
  subtotal { amount currency } shipping { amount } total { amount } totalQuantity
  warnings { code message lineId }
}`;

const PAYLOAD = `cart { ...CartFields } userErrors { field message code } warnings { code message lineId }`;

export const CART_CREATE = `mutation ($input: CartCreateInput) { cartCreate(input: $input) { ${PAYLOAD} } } ${CART_FIELDS}`;
export const LINES_ADD = `mutation ($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { ${PAYLOAD} } } ${CART_FIELDS}`;
export const LINES_UPDATE = `mutation ($input: CartLinesUpdateInput!) { cartLinesUpdate(input: $input) { ${PAYLOAD} } } ${CART_FIELDS}`;
export const LINES_REMOVE = `mutation ($input: CartLinesRemoveInput!) { cartLinesRemove(input: $input) { ${PAYLOAD} } } ${CART_FIELDS}`;
export const BUYER_UPDATE = `mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { ${PAYLOAD} } } ${CART_FIELDS}`;
export const CART_QUERY = `query ($id: ID!) { cart(id: $id) { ...CartFields } } ${CART_FIELDS}`;

export const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** A listing of a new product by `seller`. */
export async function listing(t: TestApp, seller: TestSeller, input: Record<string, unknown> = {}): Promise<string> {
  const product = await createProduct(t, seller.key);
  return createListing(t, seller.key, product.variantIds[0]!, input);
}

let customers = 0;
export const PASSWORD = 'correct horse battery';

export async function signUp(t: TestApp, extra: Record<string, unknown> = {}) {
  const email = `cart-shopper-${process.pid}-${++customers}@example.com`;
  const data = await t.data(
    `mutation ($input: CustomerSignUpInput!) {
      customerSignUp(input: $input) { customer { id } customerAccessToken { accessToken } userErrors { field message code } }
    }`,
    { input: { email, password: PASSWORD, name: 'Cart Shopper', ...extra } },
  );
  expect(data.customerSignUp.userErrors).toEqual([]);
  return { id: data.customerSignUp.customer.id as string, email, token: data.customerSignUp.customerAccessToken.accessToken as string };
}

export async function createCart(t: TestApp, lines: { listingId: string; quantity?: number }[], token?: string) {
  const data = await t.data(CART_CREATE, { input: { lines } }, token);
  expect(data.cartCreate.userErrors).toEqual([]);
  return data.cartCreate.cart;
}

export const quantities = (cart: { lines: { listing: { id: string }; quantity: number }[] }) =>
  Object.fromEntries(cart.lines.map((l) => [l.listing.id, l.quantity]));
