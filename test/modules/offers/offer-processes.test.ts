import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CreateAppOptions } from '../../../src/app';
import { startCli, type Cli } from '../../helpers/cli';
import { insertCustomers, type TestCustomer } from '../../helpers/customers';
import { createListing, createProduct, createSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';
import type { WsClient } from '../../helpers/ws-client';
import { grantPersonalization, listenFromNow, makeOffer, reasons } from './offers.fixtures';

const TRACK = `mutation ($input: EventsTrackInput!) { eventsTrack(input: $input) { accepted userErrors { code message } } }`;
const view = (productId: string) => ({ type: 'PRODUCT_VIEWED', channel: 'WEB', occurredAt: new Date(Date.now() - 1_000).toISOString(), productId });

const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** `zoco worker` as its own process on the test database, ready once it says so. */
async function startWorker(t: TestApp, env: Record<string, string>): Promise<Cli> {
  const worker = startCli(
    {
      NODE_ENV: 'test',
      DATABASE_URL: t.databaseUrl,
      ZOCO_MIGRATE_ON_START: 'false',
      ZOCO_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'zoco-worker-')),
      ZOCO_ADMIN_KEY: ADMIN_KEY,
      ZOCO_JWT_SECRET: t.app.config.jwtSecret,
      ZOCO_OFFER_DAILY_CAP: '50',
      LOG_LEVEL: 'info',
      ...env,
    },
    [],
    'worker',
  );
  await until(() => worker.output().includes('zoco worker running') || worker.child.exitCode !== null, 'the worker', 60_000);
  if (!worker.output().includes('zoco worker running')) throw new Error(`the worker did not start:\n${worker.output()}`);
  return worker;
}

async function kill(worker: Cli | undefined) {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGKILL');
  await worker.exited;
}

const pubsubs: [string, Record<string, string>, CreateAppOptions][] = [['postgres', { ZOCO_PUBSUB: 'postgres' }, { pubsub: 'postgres' }]];
const redisUrl = process.env['ZOCO_TEST_REDIS_URL'];
if (redisUrl) pubsubs.push(['redis', { ZOCO_PUBSUB: 'redis', ZOCO_REDIS_URL: redisUrl }, { pubsub: 'redis', redisUrl }]);

describe.each(pubsubs)('API instances and zoco worker (%s pubsub)', (_name, workerEnv, appOptions) => {
  let one: TestApp;
  let two: TestApp;
  let worker: Cli | undefined;
  beforeAll(async () => {
    // API instances only: the background work is the worker's.
    one = await startTestApp({ migrateOnStart: true, background: false, offers: { dailyCap: 50 }, ...appOptions });
    two = await startTestApp({ background: false, offers: { dailyCap: 50 }, ...appOptions }, { sharing: one });
  }, 60_000);
  afterAll(async () => {
    await kill(worker);
    await two?.stop();
    await one?.stop();
  });

  it('delivers an offer the worker made to subscribers on either instance', async () => {
    worker = await startWorker(one, workerEnv);
    const seller = await createSeller(one);
    const p = await createProduct(one, seller.key, { title: 'Wool scarf' });
    await createListing(one, seller.key, p.variantIds[0]!, { price: { amount: 2000, currency: 'EUR' }, stock: 9 });
    const [onOne, onTwo] = (await insertCustomers(one, 2)) as [TestCustomer, TestCustomer];
    await grantPersonalization(one, [onOne.id, onTwo.id]);
    const a = await listenFromNow(one, onOne, clients);
    const b = await listenFromNow(two, onTwo, clients);
    // Views recorded through one instance each; the worker's engine makes the offers.
    await one.data(TRACK, { input: { events: [view(p.id), view(p.id), view(p.id)] } }, onOne.token);
    await two.data(TRACK, { input: { events: [view(p.id), view(p.id), view(p.id)] } }, onTwo.token);
    await until(() => reasons(a).some((r) => r.includes('Wool scarf')) && reasons(b).some((r) => r.includes('Wool scarf')), 'both offers', 20_000);
    expect(reasons(a)).toEqual(['Because you viewed Wool scarf 3 times']);
    expect(reasons(b)).toEqual(['Because you viewed Wool scarf 3 times']);
  }, 90_000);

  it('delivers an offer committed while the worker was dead, once, after it restarts', async () => {
    await kill(worker);
    const [customer] = (await insertCustomers(one, 1)) as [TestCustomer];
    await grantPersonalization(one, [customer.id]);
    const live = await listenFromNow(two, customer, clients);
    // No worker: nothing dispatches it (the subscriber may still read it from the store on its replay).
    await makeOffer(one, customer.id, 'made-while-down');
    await new Promise((r) => setTimeout(r, 500));
    expect(reasons(live).filter((r) => !r.includes('made-while-down'))).toEqual([]);
    const [{ pending }] = await one.app.dataSource.query(`SELECT count(*)::int AS pending FROM outbox WHERE type = 'offers.created' AND dispatched_at IS NULL`);
    expect(pending).toBeGreaterThanOrEqual(1);
    worker = await startWorker(one, workerEnv);
    await until(() => reasons(live).includes('Because made-while-down'), 'the offer after the restart', 20_000);
    await makeOffer(one, customer.id, 'after-restart');
    await until(() => reasons(live).includes('Because after-restart'), 'a later offer', 20_000);
    expect(reasons(live)).toEqual(['Because made-while-down', 'Because after-restart']);
  }, 90_000);

  it('delivers, once, an offer whose dispatch a SIGKILL interrupted', async () => {
    const [customer] = (await insertCustomers(one, 1)) as [TestCustomer];
    await grantPersonalization(one, [customer.id]);
    const live = await listenFromNow(one, customer, clients);
    await makeOffer(one, customer.id, 'racing-the-kill');
    // Killed at once: before, during or after its dispatch of the offer; a new worker finishes the job.
    await kill(worker);
    worker = await startWorker(one, workerEnv);
    await until(() => reasons(live).includes('Because racing-the-kill'), 'the offer', 20_000);
    await makeOffer(one, customer.id, 'next');
    await until(() => reasons(live).includes('Because next'), 'the next offer', 20_000);
    expect(reasons(live)).toEqual(['Because racing-the-kill', 'Because next']);
  }, 90_000);
});
