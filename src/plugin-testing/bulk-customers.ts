import { randomUUID } from 'node:crypto';
import type { App } from '../app';
import { createTokenIssuer } from '../auth/tokens';

/**
 * Many customers at once, written straight to the database: signing up through the API hashes a
 * password with scrypt (~50 ms of CPU each), which would dominate tests that need hundreds of buyers.
 * Each gets a default address in Spain, a default test card (so it can buy with one click) and a
 * session (id equal to the customer's, as a login would open: access tokens name their session).
 */
export async function insertCustomers(app: App, count: number): Promise<{ uuid: string; token: string }[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const db = app.dataSource;
  await db.query(
    `INSERT INTO customer (id, email, name, password_hash) SELECT id, id || '@example.com', 'Buyer ' || left(id::text, 8), 'x' FROM unnest($1::uuid[]) id`,
    [ids],
  );
  await db.query(
    `INSERT INTO customer_address (customer_id, name, line1, city, postal_code, country, is_default_shipping, is_default_billing)
     SELECT id, 'Buyer', 'Calle Mayor 1', 'Madrid', '28013', 'ES', true, true FROM unnest($1::uuid[]) id`,
    [ids],
  );
  await db.query(
    `INSERT INTO payment_method (customer_id, provider, token, brand, last4, exp_month, exp_year, is_default)
     SELECT id, 'test', 'tok_visa', 'visa', '4242', 12, 2030, true FROM unnest($1::uuid[]) id`,
    [ids],
  );
  await db.query(`INSERT INTO customer_session (id, customer_id, expires_at) SELECT id, id, now() + interval '1 day' FROM unnest($1::uuid[]) id`, [ids]);
  const tokens = createTokenIssuer(app.config.jwtSecret, 3600);
  return Promise.all(ids.map(async (uuid) => ({ uuid, token: (await tokens.issueCustomerToken({ customerId: uuid, sessionId: uuid, version: 0 })).token })));
}
