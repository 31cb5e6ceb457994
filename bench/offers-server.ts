import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createApp } from '../src/app';
import { createTokenIssuer } from '../src/auth/tokens';
import { admin } from '../src/auth/viewer';
import { createContext } from '../src/core/context';
import { withTransaction } from '../src/db/transaction';
import { offerCreateMany, OfferTrigger, PROMOTION_BATCH } from '../src/modules/offers';
import { childOptions, failToParent, serveParent } from './child-process';

export interface OffersServerOptions {
  databaseUrl: string;
  dataDir: string;
  customers: number;
}

export interface OffersServerInfo {
  url: string;
  wsUrl: string;
  tokens: string[];
}

/** The real app with `customers` consenting customers; the parent asks it to make offers (as a promotion targeting all would). */
async function main(): Promise<void> {
  const options = childOptions<OffersServerOptions>();
  const app = await createApp({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    migrateOnStart: true,
    throttle: { enabled: false },
    offers: { dailyCap: 100 },
  });
  const db = app.dataSource;
  const ids = Array.from({ length: options.customers }, () => randomUUID());
  await db.query(`INSERT INTO customer (id, email, name, password_hash) SELECT id, id || '@bench.example', 'Bench', 'x' FROM unnest($1::uuid[]) id`, [ids]);
  await db.query(`INSERT INTO customer_session (id, customer_id, expires_at) SELECT id, id, now() + interval '1 day' FROM unnest($1::uuid[]) id`, [ids]);
  await db.query(
    `INSERT INTO customer_consent (customer_id, kind, granted, source) SELECT id, 'personalization', true, 'bench' FROM unnest($1::uuid[]) id`,
    [ids],
  );
  // Cheap listing of a small catalog for the HTTP probe of the reconnect storm.
  const tokens = createTokenIssuer(app.config.jwtSecret, 24 * 3600);
  const ctx = createContext(app.services, admin, 'bench');
  let round = 0;
  /** One offer for each of `indexes`, as a promotion's fan-out makes them: PROMOTION_BATCH customers a transaction; resolves after the last commit. */
  const offer = async (indexes: number[]) => {
    round++;
    for (let i = 0; i < indexes.length; i += PROMOTION_BATCH) {
      await withTransaction(ctx, (tx) =>
        offerCreateMany(
          tx,
          indexes.slice(i, i + PROMOTION_BATCH).map((index) => ({
            customerId: ids[index]!,
            trigger: OfferTrigger.PROMOTION_TARGETED,
            dedupeKey: `bench-${round}`,
            discount: { percent: 10 },
            reason: { en: 'Because a promotion targets you' },
          })),
        ),
      );
    }
    return Date.now();
  };
  serveParent(
    {
      url: app.url,
      wsUrl: app.wsUrl,
      tokens: await Promise.all(ids.map(async (id) => (await tokens.issueCustomerToken({ customerId: id, sessionId: id, version: 0 })).token)),
    } satisfies OffersServerInfo,
    {
      memory: () => {
        (globalThis as { gc?: () => void }).gc?.();
        return process.memoryUsage();
      },
      routes: () => app.services.topics.size(),
      /** Offers for everyone: when their making started and when the last committed (latencies count from either). */
      fanOut: async () => {
        const started = Date.now();
        const committed = await offer(ids.map((_, i) => i));
        return { started, committed };
      },
      /** One offer for one customer: returns the time just before its transaction starts. */
      targeted: async (index) => {
        const started = Date.now();
        await offer([Number(index)]);
        return started;
      },
    },
    () => app.stop(),
  );
}

main().catch(failToParent);
