import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app';
import { createTokenIssuer } from '../src/auth/tokens';
import { toGlobalId } from '../src/core/global-id';
import { seedDatabase } from '../src/seed/seed';
import { childOptions, failToParent, serveParent } from './child-process';

export interface InvoicePdfServerOptions {
  dataDir: string;
  databaseUrl: string;
}

export interface InvoicePdfServerInfo {
  url: string;
  token: string;
  listingIds: string[];
}

/** The real app with the small demo marketplace and one buyer with a saved address and card. */
async function main(): Promise<void> {
  const options = childOptions<InvoicePdfServerOptions>();
  const app = await createApp({ port: 0, host: '127.0.0.1', logLevel: 'warn', dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  const db = app.dataSource;
  await seedDatabase(db, 'small');
  const listings: { id: string }[] = await db.query(
    `SELECT l.id FROM listing l JOIN seller s ON s.id = l.seller_id JOIN product p ON p.id = l.product_id
      WHERE s.status = 'active' AND p.status = 'active' AND l.status = 'active' ORDER BY l.id LIMIT 50`,
  );
  await db.query('UPDATE listing SET stock = 1000 WHERE id = ANY($1)', [listings.map((l) => l.id)]);
  const id = randomUUID();
  await db.query(`INSERT INTO customer (id, email, name, password_hash) VALUES ($1::uuid, $1::text || '@bench.example', 'Bench buyer', 'x')`, [id]);
  await db.query(
    `INSERT INTO customer_address (customer_id, name, line1, city, postal_code, country, is_default_shipping, is_default_billing)
     VALUES ($1, 'Bench buyer', 'Calle Mayor 1', 'Madrid', '28013', 'ES', true, true)`,
    [id],
  );
  await db.query(
    `INSERT INTO payment_method (customer_id, provider, token, brand, last4, exp_month, exp_year, is_default)
     VALUES ($1, 'test', 'tok_visa', 'visa', '4242', 12, 2030, true)`,
    [id],
  );
  // A session (id equal to the customer's), as a login would open: access tokens name their session.
  await db.query(`INSERT INTO customer_session (id, customer_id, expires_at) VALUES ($1, $1, now() + interval '1 day')`, [id]);
  const info: InvoicePdfServerInfo = {
    url: app.url,
    token: (await createTokenIssuer(app.config.jwtSecret).issueCustomerToken({ customerId: id, sessionId: id, version: 0 })).token,
    listingIds: listings.map((l) => toGlobalId('Listing', l.id)),
  };
  // Busy time of this process's event loop so far, in ms (worker threads have loops of their own).
  serveParent(info, { elu: () => performance.eventLoopUtilization().active }, () => app.stop());
}

main().catch(failToParent);
