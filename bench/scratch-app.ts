import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App, type CreateAppOptions } from '../src/app';
import { databaseUrl, dropDatabase, ensureDatabase } from '../src/db/databases';

/**
 * The real app on a database of its own (`name`) on DATABASE_URL's server, migrated, on an ephemeral port
 * of 127.0.0.1. `close` stops it and drops the database; with `keep`, a database left by an earlier run
 * is reused and kept (a population that takes minutes to make).
 */
export async function openScratchApp(name: string, options: CreateAppOptions = {}, { keep = false } = {}): Promise<{ app: App; close(): Promise<void> }> {
  const server = process.env['DATABASE_URL'];
  if (!server) throw new Error('Set DATABASE_URL to a PostgreSQL server: the bench makes a database of its own there.');
  if (!keep) await dropDatabase(server, name);
  await ensureDatabase(server, name);
  const app = await createApp({
    databaseUrl: databaseUrl(server, name),
    dataDir: mkdtempSync(path.join(os.tmpdir(), `${name}-`)),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    migrateOnStart: true,
    ...options,
  });
  return {
    app,
    async close() {
      await app.stop();
      if (!keep) await dropDatabase(server, name);
    },
  };
}
