import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createApp } from '../src/app';
import { createTokenIssuer } from '../src/auth/tokens';
import { toGlobalId } from '../src/core/global-id';
import { statementCount } from '../src/db/data-source';
import { bulkInsert } from '../src/seed/bulk-insert';
import { seedDatabase } from '../src/seed/seed';
import { childOptions, failToParent, serveParent } from './child-process';

export interface EventsServerOptions {
  dataDir: string;
  embeddedPgPort: number;
  databaseUrl?: string;
  customers: number;
  /** Share of the customers with the personalization consent (the others are counted anonymously). */
  consenting: number;
}

export interface EventsServerInfo {
  url: string;
  tokens: string[];
  consenting: boolean[];
  listingIds: string[];
}

/** The real app with the small demo marketplace and `customers` shoppers, most of them consenting. */
async function main(): Promise<void> {
  const options = childOptions<EventsServerOptions>();
  const app = await createApp({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    dataDir: options.dataDir,
    embeddedPgPort: options.embeddedPgPort,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    // Many requests from few addresses: the bench measures ingestion, not the throttle.
    throttle: { enabled: false },
  });
  const db = app.dataSource;
  await seedDatabase(db, 'small');
  const listings: { id: string }[] = await db.query(
    `SELECT l.id FROM listing l JOIN seller s ON s.id = l.seller_id WHERE s.status = 'active' AND l.status = 'active' ORDER BY l.id`,
  );
  const ids = Array.from({ length: options.customers }, () => randomUUID());
  const consenting = ids.map((_, i) => i < Math.round(ids.length * options.consenting));
  const expires = new Date(Date.now() + 86_400_000);
  await bulkInsert(db.manager, 'customer', { id: 'uuid', email: 'text', name: 'text', password_hash: 'text' }, ids.map((id) => [id, `${id}@bench.example`, 'Bench shopper', 'x']));
  await bulkInsert(db.manager, 'customer_session', { id: 'uuid', customer_id: 'uuid', expires_at: 'timestamptz' }, ids.map((id) => [id, id, expires]));
  await bulkInsert(
    db.manager,
    'customer_consent',
    { customer_id: 'uuid', kind: 'text', granted: 'boolean', source: 'text' },
    ids.filter((_, i) => consenting[i]).map((id) => [id, 'personalization', true, 'bench']),
  );
  await db.query('VACUUM ANALYZE');
  const tokens = createTokenIssuer(app.config.jwtSecret, 24 * 3600);
  const info: EventsServerInfo = {
    url: app.url,
    tokens: await Promise.all(ids.map(async (id) => (await tokens.issueCustomerToken({ customerId: id, sessionId: id, version: 0 })).token)),
    consenting,
    listingIds: listings.map((l) => toGlobalId('Listing', l.id)),
  };
  serveParent(
    info,
    {
      /** SQL statements the app has sent so far (requests and the outbox consumers behind them). */
      statements: () => statementCount(db),
      async stored() {
        const [row] = await db.query(
          `SELECT (SELECT count(*)::int FROM touchpoint_event) AS events,
                  (SELECT coalesce(sum(count), 0)::int FROM product_daily_touchpoints) AS counted,
                  (SELECT count(*)::int FROM customer_trait) AS traits,
                  (SELECT count(*)::int FROM outbox WHERE dispatched_at IS NOT NULL) AS dispatched, (SELECT count(*)::int FROM outbox) AS outbox`,
        );
        return row;
      },
    },
    () => app.stop(),
  );
}

main().catch(failToParent);
