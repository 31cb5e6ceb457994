import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App, type CreateAppOptions } from '../../src/app';
import { cloneDatabase, databaseUrl, dropDatabase } from '../../src/db/databases';
import { seedDatabase, type SeedScale } from '../../src/seed/seed';
import { graphqlClient, type GraphQLClient } from './graphql-client';

export const ADMIN_KEY = 'test-operator-key-0123456789abcdef';

export interface TestApp extends GraphQLClient {
  app: App;
  databaseUrl: string;
  /** A statement on the app's own database (its pool): for what a test sets up or checks beneath the API. */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/**
 * The real app on an ephemeral port, on its own database cloned from the migrated template (with `seed`, seeded
 * at that scale); or, with `sharing`, a second instance on another app's database (stopping it leaves the
 * database alone).
 */
export async function startTestApp(
  options: CreateAppOptions = {},
  { sharing, seed }: { sharing?: TestApp; seed?: SeedScale } = {},
): Promise<TestApp> {
  const serverUrl = process.env['ZOCO_TEST_SERVER_URL'];
  const template = process.env['ZOCO_TEST_TEMPLATE'];
  if (!serverUrl || !template) throw new Error('test/helpers/global-setup.ts did not run');
  if (seed && sharing) throw new Error('startTestApp: a second instance shares a database that is seeded already');
  const name = sharing ? null : `zoco_t_${randomBytes(6).toString('hex')}`;
  if (name) await cloneDatabase(serverUrl, template, name);
  const url = name ? databaseUrl(serverUrl, name) : sharing!.databaseUrl;
  const app = await createApp({
    databaseUrl: url,
    dataDir: await mkdtemp(path.join(tmpdir(), 'zoco-app-')),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    migrateOnStart: false,
    env: 'test',
    jwtSecret: 'test-jwt-secret-0123456789abcdefghijklmnop',
    adminKey: ADMIN_KEY,
    // Cheap scrypt: OWASP's parameters cost ~0.3 s and 128 MiB a hash (test/auth/passwords.test.ts keeps them honest).
    passwordHashing: { N: 1024, r: 8, p: 1 },
    // The throttle runs in every suite, with buckets no suite drains; test/server/throttle.test.ts has the real sizes.
    throttle: { enabled: true, bucketSize: 1e9, restoreRate: 1e9, sellerBucketSize: 1e9, sellerRestoreRate: 1e9 },
    ...options,
  });
  if (seed) await seedDatabase(app.dataSource, seed);
  return {
    app,
    databaseUrl: url,
    sql: (query, params = []) => app.dataSource.query(query, params),
    ...graphqlClient(app.url),
    async stop() {
      await app.stop();
      if (name) await dropDatabase(serverUrl, name);
    },
  };
}
