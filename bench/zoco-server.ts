import 'reflect-metadata';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { createApp } from '../src/app';
import { statementCount } from '../src/db/data-source';
import { seedDatabase } from '../src/seed/seed';
import { childOptions, failToParent, serveParent } from './child-process';

export interface ZocoServerOptions {
  dataDir: string;
  /** An empty database to use; otherwise the embedded PostgreSQL in dataDir/pg. */
  databaseUrl?: string;
  embeddedPgPort: number;
}

export interface ZocoServerInfo {
  url: string;
  /** Where the app's data lives, for the baseline server to read the same rows. */
  databaseUrl: string;
  productSlugs: string[];
  seeded: { sellers: number; products: number; variants: number; listings: number; ms: number };
}

/** The real app (createApp), seeded with the `bench` scale, in its own process. */
async function main(): Promise<void> {
  const options = childOptions<ZocoServerOptions>();
  const app = await createApp({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    dataDir: options.dataDir,
    embeddedPgPort: options.embeddedPgPort,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const started = Date.now();
  const seed = await seedDatabase(app.dataSource, 'bench');
  // Fresh statistics, as a long-running database would have them.
  await app.dataSource.query('VACUUM ANALYZE');
  const info: ZocoServerInfo = {
    url: app.url,
    databaseUrl: (app.dataSource.options as PostgresConnectionOptions).url!,
    productSlugs: seed.productSlugs,
    seeded: { sellers: seed.sellers.length, products: seed.products, variants: seed.variants, listings: seed.listings, ms: Date.now() - started },
  };
  serveParent(info, { statements: () => statementCount(app.dataSource) }, () => app.stop());
}

main().catch(failToParent);
