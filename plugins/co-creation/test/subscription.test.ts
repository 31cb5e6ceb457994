import type { CreateAppOptions } from '../../../src/app';
import { startPluginTestApp, until, type PluginTestApp, type TestCustomer, type TestSeller } from 'zoco/plugin/testing';
import { insertCustomers } from '../../../test/helpers/customers';
import { createSeller } from '../../../test/helpers/fixtures';
import { startTestApp, type TestApp } from '../../../test/helpers/test-app';
import { subscribe, wsClient, wsRequest, type LiveSubscription, type WsClient } from '../../../test/helpers/ws-client';
import coCreation from '../index';
import { install, propose, voteBy } from './co-creation.fixtures';

const APPROVED = 'subscription { coCreationProposalApproved { id title votes status seller { name } } }';

interface Approved {
  coCreationProposalApproved: { id: string; title: string; votes: number; status: string; seller: { name: string } };
}

const titles = (s: LiveSubscription<Approved>) => s.events.map((e) => e.coCreationProposalApproved.title);

/** The kit's app, or the repository's (two instances on one database, which the kit does not make). */
type AnyApp = Pick<PluginTestApp, 'app' | 'data'>;
type Seller = Pick<TestSeller, 'id' | 'key'>;
type Customer = Pick<TestCustomer, 'token'>;

const clients: WsClient[] = [];
function listen(t: AnyApp, token: string): LiveSubscription<Approved> {
  const client = wsClient(t.app.wsUrl, token);
  clients.push(client);
  return subscribe<Approved>(client, APPROVED);
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** The app registers a subscription a moment after the client sends it: approve probe proposals until each listener has heard one. */
async function untilListening(probes: { t: AnyApp; seller: Seller; author: Customer; voter: Customer; listeners: LiveSubscription<Approved>[] }[]) {
  for (let round = 0; round < 20; round++) {
    for (const p of probes) await voteBy(p.t, await propose(p.t, p.author, p.seller, `probe ${round}`), [p.voter]);
    try {
      await until(() => probes.every((p) => p.listeners.every((l) => titles(l).some((title) => title.startsWith('probe')))), 'the probes', 2_000);
      return;
    } catch {
      // Not yet subscribed when the probe went out: another round.
    }
  }
  throw new Error('the subscriptions never started');
}

describe('coCreationProposalApproved', () => {
  let t: PluginTestApp;
  let a: TestSeller;
  let b: TestSeller;
  let author: TestCustomer;
  let other: TestCustomer;
  let voter: TestCustomer;
  beforeAll(async () => {
    t = await startPluginTestApp({ plugins: [coCreation] });
    [a, b] = [await t.seller(), await t.seller()];
    for (const s of [a, b]) await install(t, s, { voteThreshold: 1 });
    [author, other, voter] = (await t.customers(3)) as [TestCustomer, TestCustomer, TestCustomer];
  });
  afterAll(() => t.stop());

  it("streams an approval to the proposal's seller and its author, and to nobody else", async () => {
    const [toA, byAuthor, toB, byOther] = [listen(t, a.key), listen(t, author.token), listen(t, b.key), listen(t, other.token)];
    await untilListening([
      { t, seller: a, author, voter, listeners: [toA, byAuthor] },
      { t, seller: b, author: other, voter, listeners: [toB, byOther] },
    ]);
    const id = await propose(t, author, a, 'Raincoat for two');
    await voteBy(t, id, [voter]);
    await voteBy(t, await propose(t, other, b, 'Dog umbrella'), [voter]);
    // Events reach every listener in dispatch order: once B's arrived, A's would have arrived before it.
    await until(() => titles(toB).includes('Dog umbrella') && titles(byOther).includes('Dog umbrella'), "B's approval");
    await until(() => titles(toA).includes('Raincoat for two') && titles(byAuthor).includes('Raincoat for two'), "A's approval");
    expect(toA.events.at(-1)).toEqual({ coCreationProposalApproved: { id, title: 'Raincoat for two', votes: 1, status: 'APPROVED', seller: { name: expect.any(String) } } });
    for (const l of [toA, byAuthor]) expect(titles(l)).not.toContain('Dog umbrella');
    for (const l of [toB, byOther]) expect(titles(l)).not.toContain('Raincoat for two');
    expect(titles(byAuthor).filter((title) => title === 'Raincoat for two')).toHaveLength(1);
    for (const l of [toA, byAuthor, toB, byOther]) expect(l.errors).toEqual([]);
  });

  it('refuses sellers without the plugin and guests', async () => {
    const c = await t.seller();
    const refused = await wsRequest(wsClient(t.app.wsUrl, c.key), APPROVED);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const guest = await wsRequest(wsClient(t.app.wsUrl), APPROVED);
    expect(guest.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});

// Two instances on one database: the vote lands on one, the subscriber listens on the other.
const across = (name: string, options: CreateAppOptions) =>
  describe(`coCreationProposalApproved across instances (${name} pubsub)`, () => {
    let one: TestApp;
    let two: TestApp;
    beforeAll(async () => {
      one = await startTestApp({ plugins: [coCreation], migrateOnStart: true, eventPollIntervalMs: 50, ...options });
      // The second one's dispatcher polls rarely: the first, where the votes commit, dispatches.
      two = await startTestApp({ plugins: [coCreation], eventPollIntervalMs: 60_000, ...options }, { sharing: one });
    });
    afterAll(async () => {
      await two.stop();
      await one.stop();
    });

    it('reaches a subscriber connected to the other instance', async () => {
      const seller = await createSeller(one);
      await install(one, seller, { voteThreshold: 1 });
      const customers = await insertCustomers(one, 2);
      const [author, voter] = [customers[0]!, customers[1]!];
      const onTwo = listen(two, seller.key);
      // A stray notification on the pubsub channel is ignored, not fatal.
      if (options.pubsub === 'postgres') await one.app.dataSource.query(`SELECT pg_notify('zoco_pubsub', 'not json')`);
      await untilListening([{ t: one, seller, author, voter, listeners: [onTwo] }]);
      const id = await propose(one, author, seller, 'Shared lamp');
      await voteBy(one, id, [voter]);
      await until(() => titles(onTwo).includes('Shared lamp'), 'the event on the other instance');
      expect(onTwo.events.at(-1)?.coCreationProposalApproved).toMatchObject({ id, status: 'APPROVED' });
    });
  });

across('postgres', { pubsub: 'postgres' });
const redisUrl = process.env['ZOCO_TEST_REDIS_URL'];
// Redis is optional on a developer machine; CI's second pass sets ZOCO_TEST_REDIS_URL to the machine's.
(redisUrl ? across : (name: string) => describe.skip(`coCreationProposalApproved across instances (${name} pubsub)`, () => undefined))('redis', {
  pubsub: 'redis',
  redisUrl,
});
