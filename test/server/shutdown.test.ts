import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { cloneDatabase, databaseUrl, dropDatabase } from '../../src/db/databases';
import { freePort } from '../helpers/free-port';

// The real CLI (node dist/src/main.js, as `npm start` runs it but without its Node flags: src/node-flags.ts), in a child process with its own
// environment: the only way to see what a signal does to the process and its embedded PostgreSQL.
const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const SECRETS = { ZOCO_ADMIN_KEY: 'test-operator-key-0123456789abcdef', ZOCO_JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop' };


interface Cli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `detached` makes the CLI lead its own process group, as a terminal's foreground job does. */
function startCli(env: Record<string, string>, { detached = false } = {}): Cli {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN, 'serve', '--seed-if-empty'], {
    cwd: ROOT,
    env: { ...inherited, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', ZOCO_PLUGINS: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The URL from the banner main.ts prints once the API listens. */
async function listening(cli: Cli, timeoutMs: number): Promise<string> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const url = /Zoco is listening: (\S+)/.exec(cli.output())?.[1];
    if (url) return url;
    if (cli.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the CLI did not start:\n${cli.output()}`);
}

const graphql = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    async (res) => ({ status: res.status, body: (await res.json()) as { data?: any; errors?: unknown[] } }),
  );


/**
 * Runs the CLI on a fresh embedded database, holds a table lock so that a request is certainly in
 * flight, then `signal`s the CLI: the request must still complete, and PostgreSQL stop cleanly after it.
 */
async function drainsOnSignal(signal: (cli: Cli) => void, { detached = false } = {}): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zoco-cli-'));
  // As root, PostgreSQL runs as the `postgres` user and must enter the folder.
  await chmod(dataDir, 0o755);
  const pgPort = await freePort();
  const cli = startCli({ ZOCO_DATA_DIR: dataDir, ZOCO_EMBEDDED_PG_PORT: String(pgPort) }, { detached });
  try {
    const url = await listening(cli, 150_000);

    // "Slow" here is a request waiting on a lock another transaction holds (as behind a long
    // batch update): it is certainly executing, on a database connection, when the signal comes.
    const blocker = new Client({ connectionString: `postgres://postgres:zoco@127.0.0.1:${pgPort}/zoco` });
    // Without it, a connection cut by PostgreSQL would crash the test run instead of failing the test.
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE product IN ACCESS EXCLUSIVE MODE');
    const slow = graphql(url, '{ products(first: 3) { nodes { title } } }');
    const waiting = async () =>
      (await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'zoco'`)).rows[0].n;
    for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBe(1);

    signal(cli);
    // The drain is under way (the app waits for this request); the database must still answer.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(cli.child.exitCode).toBeNull();
    await blocker.query('COMMIT');
    await blocker.end();

    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.products.nodes).toHaveLength(3);
    expect(await cli.exited).toBe(0);
    const log = cli.output();
    expect(log).toMatch(/database system is shut down/);
    expect(log).not.toMatch(/terminating connection/);
    expect(log).not.toMatch(/FATAL/);
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
}

describe('the CLI', () => {
  it(
    'finishes a request in flight on SIGTERM, exits 0, and stops the embedded PostgreSQL after the drain',
    () => drainsOnSignal((cli) => cli.child.kill('SIGTERM')),
    240_000,
  );

  it(
    'does the same on Ctrl-C in a terminal, which sends SIGINT to the whole process group',
    () => drainsOnSignal((cli) => process.kill(-cli.child.pid!, 'SIGINT'), { detached: true }),
    240_000,
  );

  it(
    'seeds with DATABASE_URL into a data folder that does not exist yet',
    async () => {
      const serverUrl = process.env['ZOCO_TEST_SERVER_URL']!;
      const name = `zoco_t_${randomBytes(6).toString('hex')}`;
      await cloneDatabase(serverUrl, process.env['ZOCO_TEST_TEMPLATE']!, name);
      const dataDir = path.join(tmpdir(), `zoco-missing-${randomBytes(6).toString('hex')}`, 'data');
      const cli = startCli({ DATABASE_URL: databaseUrl(serverUrl, name), ZOCO_DATA_DIR: dataDir, ...SECRETS });
      try {
        const url = await listening(cli, 120_000);
        const demo = JSON.parse(await readFile(path.join(dataDir, 'demo.json'), 'utf8'));
        expect(cli.output()).toContain(`Demo seller API key: ${demo.sellerApiKey}`);
        const res = await graphql(url, '{ products(first: 1) { nodes { title } } }');
        expect(res.body.data.products.nodes).toHaveLength(1);
        cli.child.kill('SIGTERM');
        expect(await cli.exited).toBe(0);
      } finally {
        if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
        await dropDatabase(serverUrl, name);
      }
      expect(existsSync(dataDir)).toBe(true);
    },
    180_000,
  );
});
