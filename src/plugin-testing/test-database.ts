import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { createDataSource } from '../db/data-source';
import { cloneDatabase, databaseUrl, dropDatabase, ensureDatabase } from '../db/databases';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres';
import { coreModules } from '../modules/registry';
import { allMigrations } from '../../migrations';

/** A database of its own for one test app, cloned from a template with the core's migrations run once. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let embedded: Promise<EmbeddedDatabase> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The PostgreSQL server: `DATABASE_URL`, else one embedded PostgreSQL per process in a temp folder (slow to start). */
async function serverUrl(): Promise<string> {
  const url = process.env['ZOCO_TEST_SERVER_URL'] ?? process.env['DATABASE_URL'];
  if (url) return url;
  embedded ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'zoco-kit-'));
    await chmod(dir, 0o755);
    const db = await startEmbeddedPostgres(path.join(dir, 'pg'), { port: await freePort(), log: pino({ level: 'warn' }) });
    process.once('beforeExit', () => void db.stop());
    return db;
  })();
  return (await embedded).url;
}

/**
 * The migrated template: Zoco's own test run names one (ZOCO_TEST_TEMPLATE); otherwise one per set of core
 * migrations, made once under an advisory lock so parallel test files wait for the first.
 */
async function template(server: string): Promise<string> {
  const given = process.env['ZOCO_TEST_TEMPLATE'];
  if (given) return given;
  const hash = createHash('sha256').update(allMigrations.map((m) => m.name).join(',')).digest('hex').slice(0, 12);
  const name = `zoco_kit_tpl_${hash}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [`${name}`]);
    if (!rows.length) {
      const building = `${name}_building`;
      await dropDatabase(server, building);
      await ensureDatabase(server, building);
      const db = createDataSource({ url: databaseUrl(server, building), entities: coreModules.flatMap((m) => m.entities) });
      await db.initialize();
      try {
        await db.runMigrations({ transaction: 'each' });
      } finally {
        await db.destroy();
      }
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await admin.end();
  }
  return name;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  const name = `zoco_t_${randomBytes(6).toString('hex')}`;
  await cloneDatabase(server, await template(server), name);
  return { url: databaseUrl(server, name), drop: () => dropDatabase(server, name) };
}
