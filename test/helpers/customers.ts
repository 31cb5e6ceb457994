import { randomUUID } from 'node:crypto';
import { createTokenIssuer } from '../../src/auth/tokens';
import type { TestApp } from './test-app';

export interface TestCustomer {
  id: string;
  token: string;
}

/**
 * Many customers at once, written straight to the database: signing up through the API hashes a
 * password with scrypt (~50 ms of CPU each), which would dominate tests that need hundreds of buyers.
 * Each gets a default address in Spain and a default test card, so it can also buy with one click.
 */
export async function insertCustomers(t: TestApp, count: number): Promise<TestCustomer[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await t.app.dataSource.query(
    `INSERT INTO customer (id, email, name, password_hash) SELECT id, id || '@example.com', 'Buyer ' || left(id::text, 8), 'x' FROM unnest($1::uuid[]) id`,
    [ids],
  );
  await t.app.dataSource.query(
    `INSERT INTO customer_address (customer_id, name, line1, city, postal_code, country, is_default_shipping, is_default_billing)
     SELECT id, 'Buyer', 'Calle Mayor 1', 'Madrid', '28013', 'ES', true, true FROM unnest($1::uuid[]) id`,
    [ids],
  );
  await t.app.dataSource.query(
    `INSERT INTO payment_method (customer_id, provider, token, brand, last4, exp_month, exp_year, is_default)
     SELECT id, 'test', 'tok_visa', 'visa', '4242', 12, 2030, true FROM unnest($1::uuid[]) id`,
    [ids],
  );
  // A session each (ids equal to the customers'), as a login would open: access tokens name their session.
  await t.app.dataSource.query(
    `INSERT INTO customer_session (id, customer_id, expires_at) SELECT id, id, now() + interval '1 day' FROM unnest($1::uuid[]) id`,
    [ids],
  );
  const tokens = createTokenIssuer(t.app.config.jwtSecret, 3600);
  return Promise.all(ids.map(async (id) => ({ id, token: (await tokens.issueCustomerToken({ customerId: id, sessionId: id, version: 0 })).token })));
}

export const madrid = { name: 'Ana García', line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' };
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
