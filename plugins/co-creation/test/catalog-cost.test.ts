import { seedDatabase, type SeedResult } from '../../../src/seed/seed';
import { statementCount } from '../../../src/db/data-source';
import { toGlobalId } from '../../../src/core/global-id';
import { startPluginTestApp, until, type PluginTestApp } from 'zoco/plugin/testing';
import coCreation from '../index';
import { CONVERT, INSTALL, UNINSTALL, propose, voteBy } from './co-creation.fixtures';

let t: PluginTestApp;
let seed: SeedResult;
beforeAll(async () => {
  // A slow poll keeps the host's retry poller out of the statement counts.
  t = await startPluginTestApp({ plugins: [coCreation], eventPollIntervalMs: 60_000 });
  seed = await seedDatabase(t.app.dataSource, 'small');
});
afterAll(() => t.stop());

const page = (withProposal: boolean) => `query ($first: Int!) {
  products(first: $first) { nodes { id title ${withProposal ? 'coCreatedFrom { title votes voteThreshold viewerHasVoted }' : ''} } }
}`;

async function cost(query: string, first: number, token?: string) {
  const before = statementCount(t.app.dataSource);
  const data = await t.data(query, { first }, token);
  expect(data.products.nodes).toHaveLength(first);
  return { statements: statementCount(t.app.dataSource) - before, nodes: data.products.nodes as any[] };
}

describe('Product.coCreatedFrom on a catalog page', () => {
  it('costs a constant number of statements for 10 and 50 products, installed or not', async () => {
    const base = (await cost(page(false), 10)).statements;
    // The first page asks which sellers installed the plugin; the app then knows.
    const none = [await cost(page(true), 10), await cost(page(true), 50), await cost(page(true), 10), await cost(page(true), 50)];
    expect(none[0]!.statements).toBe(base + 1);
    expect(none.slice(2).map((c) => c.statements)).toEqual([base, base]);

    const [author, voter] = await t.customers(2);
    for (const s of seed.sellers.slice(0, 5)) {
      const res = await t.data(INSTALL, { input: { plugin: 'co-creation', config: { voteThreshold: 1 } } }, s.apiKey);
      expect(res.pluginInstall.userErrors).toEqual([]);
    }
    // Installed, but none of these products was made from a proposal: nothing to look up.
    await cost(page(true), 50);
    expect((await cost(page(true), 50)).statements).toBe(base);
    const maker = seed.sellers[0]!;
    const id = await propose(t, author!, { id: toGlobalId('Seller', maker.id), key: maker.apiKey }, 'Community lamp');
    await voteBy(t, id, [voter!]);
    const converted = await t.data(CONVERT, { input: { proposalId: id, price: { amount: 3000, currency: 'EUR' }, preorderStock: 20 } }, maker.apiKey);
    expect(converted.coCreationProposalConvert.userErrors).toEqual([]);
    // The conversion offers the product to its voters after commit (issue 16): let that finish before counting.
    await t.app.services.events.drain();
    await until(async () => (await t.app.dataSource.query('SELECT count(*)::int AS n FROM plugin_delivery'))[0].n === 0, 'the plugin deliveries');

    // A customer's token costs one statement more than a guest: its account and session are checked (issue 9).
    // Titles would be read in the language of the customer's profile (issue 13), but no product here has a
    // translation, so the profile's language is never asked for.
    const asCustomer = base + 1;
    // The first page with the product looks its proposal up (and whether the viewer voted for it)...
    expect((await cost(page(true), 50, voter!.token)).statements).toBe(asCustomer + 2);
    // ...then the converted proposal, which never changes, is known: only the viewer's vote is asked.
    const some = [await cost(page(true), 10, voter!.token), await cost(page(true), 50, voter!.token)];
    expect(some.map((c) => c.statements)).toEqual([asCustomer + 1, asCustomer + 1]);
    const lamp = { id: converted.coCreationProposalConvert.product.id, title: 'Community lamp', coCreatedFrom: { title: 'Community lamp', votes: 1, voteThreshold: 1, viewerHasVoted: true } };
    expect(some[1]!.nodes.filter((n) => n.coCreatedFrom)).toEqual([lamp]);
    expect((await cost(page(true), 50)).statements).toBe(base);

    // Uninstalling with purge deletes the proposal: after a reinstall, nothing remembered shows it.
    const purged = await t.data(UNINSTALL, { input: { plugin: 'co-creation', purge: true } }, maker.apiKey);
    expect(purged.pluginUninstall.userErrors).toEqual([]);
    expect((await cost(page(true), 50, voter!.token)).nodes.filter((n) => n.coCreatedFrom)).toEqual([]);
    expect((await t.data(INSTALL, { input: { plugin: 'co-creation', config: { voteThreshold: 1 } } }, maker.apiKey)).pluginInstall.userErrors).toEqual([]);
    const after = await cost(page(true), 50, voter!.token);
    expect(after.nodes.find((n) => n.id === lamp.id)).toEqual({ ...lamp, coCreatedFrom: null });
  });
});
