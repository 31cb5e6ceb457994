import { Client } from 'pg';

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteName(name: string): string {
  if (!identifier.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  // A cut connection also rejects the pending call; unhandled, the 'error' event would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates database `name` on the server of `serverUrl` unless it exists. */
export function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  return withClient(serverUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await c.query(`CREATE DATABASE ${quoteName(name)}`);
  });
}

/** Creates database `name` as a copy of `template` (fast: a file-level copy). */
export function cloneDatabase(serverUrl: string, template: string, name: string): Promise<void> {
  return withClient(serverUrl, async (c) => {
    await c.query(`CREATE DATABASE ${quoteName(name)} TEMPLATE ${quoteName(template)}`);
  });
}

export function dropDatabase(serverUrl: string, name: string): Promise<void> {
  return withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`);
  });
}

/** The same server's URL pointing at another database. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
