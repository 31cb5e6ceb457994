import { insertCustomers as insertBulk } from '../../src/plugin-testing/bulk-customers';
import type { TestApp } from './test-app';

export interface TestCustomer {
  id: string;
  token: string;
}

/** Many customers at once (the kit's bulk insert): `id` is the customer's uuid. */
export async function insertCustomers(t: TestApp, count: number): Promise<TestCustomer[]> {
  return (await insertBulk(t.app, count)).map(({ uuid, token }) => ({ id: uuid, token }));
}

export { MADRID as madrid } from '../../src/plugin-testing/sample-data';
export const berlin = { name: 'Jonas Weber', line1: 'Torstraße 5', city: 'Berlin', postalCode: '10119', country: 'DE' };

/** A cart holding `lines`, created through the API as the customer. */
export async function cartWith(t: TestApp, token: string, lines: { listingId: string; quantity: number }[]): Promise<string> {
  const data = await t.data(
    'mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } userErrors { field message code } } }',
    { input: { lines } },
    token,
  );
  expect(data.cartCreate.userErrors).toEqual([]);
  return data.cartCreate.cart.id;
}
