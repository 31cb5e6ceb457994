import { Client } from 'pg';
import { defineModule } from '../../src/core/module';
import type { DomainEvent } from '../../src/events/event-types';
import { createApp } from '../../src/app';
import { DatabaseUnreachableError } from '../../src/db/wait-for-database';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { testBadge } from '../plugin-host/test-plugin';
import { until } from '../helpers/until';

// The hook holds the dispatcher's round (its transaction open, its connection checked out) until
// the test has cut every connection: the worst moment for the outbox.
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));
const delivered: DomainEvent[] = [];
const observer = defineModule({
  name: 'test-fault-observer',
  entities: [],
  resolvers: [],
  hooks: {
    'cart.updated': async (e) => {
      await held;
      delivered.push(e);
    },
  },
});

const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => void uncaught.push(err);

let t: TestApp;
beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  // Every kind of connection the app holds: the TypeORM pool, the dispatcher's pool, the plugin
  // retry poller, the installation listener and the postgres pubsub listener.
  t = await startTestApp({ modules: [observer], plugins: [testBadge], migrateOnStart: true, pubsub: 'postgres', eventPollIntervalMs: 50, pluginRetryBaseMs: 50 });
});
afterAll(async () => {
  release();
  await t.stop();
  process.off('uncaughtException', onUncaught);
});

async function terminateEveryBackend(): Promise<number> {
  const admin = new Client({ connectionString: process.env['ZOCO_TEST_SERVER_URL'] });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [new URL(t.databaseUrl).pathname.slice(1)],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

const PRODUCTS = '{ products(first: 5) { nodes { id title } } }';

describe('database faults', () => {
  it('keeps serving when every backend of its database is terminated, and delivers the events placed before', async () => {
    const cart = await t.data('mutation { cartCreate { cart { id } } }');
    const update = await t.data(
      'mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { userErrors { message } } }',
      { input: { cartId: cart.cartCreate.cart.id, email: 'blink@example.com' } },
    );
    expect(update.cartBuyerIdentityUpdate.userErrors).toEqual([]);
    const [{ id: eventId }] = await t.app.dataSource.query(`SELECT id FROM outbox WHERE type = 'cart.updated' ORDER BY id DESC LIMIT 1`);

    // Requests keep coming while the connections are cut.
    let stop = false;
    const answers: { ok: boolean; codes: unknown[] }[] = [];
    const traffic = (async () => {
      while (!stop) {
        const res = await t.request(PRODUCTS);
        answers.push({ ok: !res.errors, codes: (res.errors ?? []).map((e) => e.extensions?.code) });
      }
    })();
    await until(() => answers.length >= 3, 'traffic before the blink');

    expect(await terminateEveryBackend()).toBeGreaterThanOrEqual(3);
    release();
    await until(() => answers.slice(-3).length === 3 && answers.slice(-3).every((a) => a.ok) && answers.length > 10, 'requests to succeed again');
    stop = true;
    await traffic;

    // During the blink a request either succeeded or said the database was unavailable: never a masked 500.
    for (const answer of answers) if (!answer.ok) expect(answer.codes).toEqual(['SERVICE_UNAVAILABLE']);
    await until(async () => {
      const [row] = await t.app.dataSource.query('SELECT dispatched_at FROM outbox WHERE id = $1', [eventId]);
      return row.dispatched_at !== null;
    }, 'the event placed before the blink to be dispatched');
    expect(delivered.map((e) => String(e.id))).toContain(String(eventId));

    // The dispatcher, the listeners and the pools are all back: a new event goes the whole way.
    await t.data('mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { userErrors { message } } }', {
      input: { cartId: cart.cartCreate.cart.id, email: 'after@example.com' },
    });
    await until(() => delivered.some((e) => Number(e.id) > Number(eventId)), 'an event placed after the blink');
    expect(uncaught).toEqual([]);
  });

  it('fails start-up within the bounded wait, with one line naming DATABASE_URL, when the database is down', async () => {
    const started = Date.now();
    const attempt = createApp({ databaseUrl: 'postgres://zoco:secret@127.0.0.1:1/zoco', databaseWaitMs: 1_500, logLevel: 'silent', dataDir: '/tmp/zoco-down', jwtSecret: 'test-jwt-secret-0123456789abcdefghijklmnop', adminKey: 'test-operator-key-0123456789abcdef' });
    const err = await attempt.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    const message = (err as Error).message;
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/127\.0\.0\.1:1\/zoco/);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toMatch(/secret/);
    expect(message.split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
