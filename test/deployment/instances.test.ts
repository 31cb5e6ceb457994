import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import coCreation from '../../plugins/co-creation/index';
import { install, propose, voteBy } from '../../plugins/co-creation/test/co-creation.fixtures';
import { listening, startCli, type Cli } from '../helpers/cli';
import { insertCustomers, type TestCustomer } from '../helpers/customers';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { graphqlClient } from '../helpers/graphql-client';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/until';
import { subscribe, wsClient, type WsClient } from '../helpers/ws-client';

// README "Several instances", as compose.yaml runs it, where no container runtime is at hand: two
// `zoco serve` processes (the built CLI) on one database, and Redis when the machine runs one
// (ZOCO_TEST_REDIS_URL; else PostgreSQL LISTEN/NOTIFY). A subscriber on one hears what the other did.

const APPROVED = 'subscription { coCreationProposalApproved { id title } }';
const redisUrl = process.env['ZOCO_TEST_REDIS_URL'];
const pubsub: Record<string, string> = redisUrl ? { ZOCO_PUBSUB: 'redis', ZOCO_REDIS_URL: redisUrl } : { ZOCO_PUBSUB: 'postgres' };

/** What the fixtures need of a TestApp, for an instance that is another process. */
const instanceAt = (url: string) => ({ ...graphqlClient(url), app: { url, wsUrl: url.replace(/^http/, 'ws') } }) as unknown as TestApp;

describe(`two zoco serve processes on one database (pubsub: ${pubsub.ZOCO_PUBSUB})`, () => {
  let t: TestApp;
  let seller: TestSeller;
  let author: TestCustomer;
  let voter: TestCustomer;
  const clis: Cli[] = [];
  const sockets: WsClient[] = [];
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ plugins: [coCreation], migrateOnStart: true });
    seller = await createSeller(t);
    await install(t, seller, { voteThreshold: 1 });
    [author, voter] = (await insertCustomers(t, 2)) as [TestCustomer, TestCustomer];
    await t.app.stop();
    for (const name of ['a', 'b']) {
      clis.push(
        startCli({
          NODE_ENV: 'test',
          DATABASE_URL: t.databaseUrl,
          ZOCO_MIGRATE_ON_START: 'false',
          ZOCO_DATA_DIR: await mkdtemp(path.join(tmpdir(), `zoco-instance-${name}-`)),
          ZOCO_ADMIN_KEY: ADMIN_KEY,
          ZOCO_JWT_SECRET: t.app.config.jwtSecret,
          ZOCO_PLUGINS: 'co-creation',
          // Each instance's throttle and plugin caches are shared through the database, as in production.
          ...pubsub,
          LOG_LEVEL: 'warn',
        }),
      );
    }
    [a, b] = (await Promise.all(clis.map((c) => listening(c, 90_000)))).map(instanceAt) as [TestApp, TestApp];
  }, 240_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    for (const cli of clis) if (cli.child.exitCode === null) cli.child.kill('SIGTERM');
    await Promise.all(clis.map((c) => c.exited));
    await t?.stop();
  });

  it('delivers to a subscriber on one instance the event of a mutation made through the other', async () => {
    expect(a.app.url).not.toBe(b.app.url);
    const socket = wsClient(a.app.wsUrl, seller.key);
    sockets.push(socket);
    const live = subscribe<{ coCreationProposalApproved: { id: string; title: string } }>(socket, APPROVED);
    const heard = (title: string) => live.events.some((e) => e.coCreationProposalApproved.title === title);
    // The server registers the subscription a moment after the client sends it: probe until one arrives.
    let probe = 0;
    await until(async () => {
      await voteBy(b, await propose(b, author, seller, `probe ${++probe}`), [voter]);
      return until(() => heard(`probe ${probe}`), 'a probe', 1_500).then(
        () => true,
        () => false,
      );
    }, 'the subscription to start', 60_000);

    const id = await propose(b, author, seller, 'Made through instance B');
    await voteBy(b, id, [voter]);
    await until(() => heard('Made through instance B'), 'the approval on instance A', 20_000);
    expect(live.events.filter((e) => e.coCreationProposalApproved.id === id)).toEqual([{ coCreationProposalApproved: { id, title: 'Made through instance B' } }]);
    expect(live.errors).toEqual([]);
    // Both instances serve the same data.
    const QUERY = 'query ($id: ID!) { node(id: $id) { ... on CoCreationProposal { status } } }';
    expect((await a.data(QUERY, { id }, author.token)).node).toEqual({ status: 'APPROVED' });
    expect((await b.data(QUERY, { id }, author.token)).node).toEqual({ status: 'APPROVED' });
  }, 120_000);
});
