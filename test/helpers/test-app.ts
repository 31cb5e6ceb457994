import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App, type CreateAppOptions } from '../../src/app';
import { cloneDatabase, databaseUrl, dropDatabase } from '../../src/db/databases';
import { graphqlClient, type GraphQLClient } from './graphql-client';

export const ADMIN_KEY = 'test-operator-key-0123456789abcdef';

export interface TestApp extends GraphQLClient {
  app: App;
  stop(): Promise<void>;
}

/** The real app on an ephemeral port, on its own database cloned from the migrated template. */
export async function startTestApp(options: CreateAppOptions = {}): Promise<TestApp> {
  const serverUrl = process.env['ZOCO_TEST_SERVER_URL'];
  const template = process.env['ZOCO_TEST_TEMPLATE'];
  if (!serverUrl || !template) throw new Error('test/helpers/global-setup.ts did not run');
  const name = `zoco_t_${randomBytes(6).toString('hex')}`;
  await cloneDatabase(serverUrl, template, name);
  const app = await createApp({
    databaseUrl: databaseUrl(serverUrl, name),
    dataDir: await mkdtemp(path.join(tmpdir(), 'zoco-app-')),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    migrateOnStart: false,
    env: 'test',
    jwtSecret: 'test-jwt-secret-0123456789abcdefghijklmnop',
    adminKey: ADMIN_KEY,
    ...options,
  });
  return {
    app,
    ...graphqlClient(app.url),
    async stop() {
      await app.stop();
      await dropDatabase(serverUrl, name);
    },
  };
}
