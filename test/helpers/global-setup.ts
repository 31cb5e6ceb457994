import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres';
import { databaseUrl, dropDatabase, ensureDatabase } from '../../src/db/databases';
import { createDataSource } from '../../src/db/data-source';
import { coreModules } from '../../src/modules/registry';
import { freePort } from './free-port';

declare global {
  // Shared with global-teardown, which runs in the same process.
  var zocoTestDb: { embedded?: EmbeddedDatabase; serverUrl: string; template: string } | undefined;
}


/**
 * One PostgreSQL server for the whole run: DATABASE_URL's when set, else an embedded one in a temp
 * folder. Migrations run once into a template database; every suite clones it (test/helpers/test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  // dist, for the suites that run the real CLI as `npm start` does (helpers/cli.ts): built once, before any suite, so
  // that no suite's build rewrites dist while another suite's child process loads it.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' });
  let embedded: EmbeddedDatabase | undefined;
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'zoco-test-'));
    // mkdtemp makes a 0700 folder; as root, PostgreSQL runs as the `postgres` user and must enter it.
    await chmod(dir, 0o755);
    embedded = await startEmbeddedPostgres(path.join(dir, 'pg'), { port: await freePort(), log: pino({ level: 'warn' }) });
    serverUrl = embedded.url;
  }
  const template = `zoco_tpl_${randomBytes(4).toString('hex')}`;
  await dropDatabase(serverUrl, template);
  await ensureDatabase(serverUrl, template);
  const db = createDataSource({ url: databaseUrl(serverUrl, template), entities: coreModules.flatMap((m) => m.entities) });
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  await db.destroy();
  process.env['ZOCO_TEST_SERVER_URL'] = serverUrl;
  process.env['ZOCO_TEST_TEMPLATE'] = template;
  globalThis.zocoTestDb = { embedded, serverUrl, template };
}
