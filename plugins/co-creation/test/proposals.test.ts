import { startPluginTestApp, type PluginTestApp, type TestSeller } from 'zoco/plugin/testing';
import coCreation from '../index';
import { INSTALL, PROPOSE, VOTE, install, propose, uuidOf, voteBy } from './co-creation.fixtures';

let t: PluginTestApp;
let seller: TestSeller;
let outsider: TestSeller;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [coCreation] });
  seller = await t.seller();
  outsider = await t.seller();
  await install(t, seller, { voteThreshold: 3 });
});
afterAll(() => t.stop());

const approvedEvents = async (proposalId: string) =>
  t.app.dataSource.query(`SELECT payload FROM outbox WHERE type = 'co-creation.proposal.approved' AND payload->>'proposalId' = $1`, [uuidOf(proposalId)]);

describe('co-creation proposals and votes', () => {
  it('refuses a bad config, naming the setting', async () => {
    const s = await t.seller();
    for (const [voteThreshold, message] of [
      [0, 'voteThreshold must be at least 1'],
      [2.5, 'voteThreshold must be a whole number'],
      [100_001, 'voteThreshold must be at most 100000'],
      ['ten', 'voteThreshold must be a number'],
    ] as const) {
      const res = await t.data(INSTALL, { input: { plugin: 'co-creation', config: { voteThreshold } } }, s.key);
      expect(res.pluginInstall.userErrors).toEqual([{ field: ['input', 'config', 'voteThreshold'], message, code: 'INVALID' }]);
    }
    const typo = await t.data(INSTALL, { input: { plugin: 'co-creation', config: { voteTreshold: 3 } } }, s.key);
    expect(typo.pluginInstall.userErrors).toEqual([{ field: ['input', 'config'], message: 'Unknown setting: voteTreshold', code: 'INVALID' }]);
    const defaults = await t.data(INSTALL, { input: { plugin: 'co-creation' } }, s.key);
    expect(defaults.pluginInstall.installation.config).toEqual({ voteThreshold: 50, acceptingProposals: true, maxOpenProposalsPerCustomer: 5 });
  });

  it('lets a customer propose to a seller that installed it, validating the input', async () => {
    const [author] = await t.customers(1);
    const res = await t.data(PROPOSE, { input: { sellerId: seller.id, title: '  Socks with pockets ', description: 'For keys.' } }, author!.token);
    expect(res.coCreationProposalCreate).toEqual({
      proposal: { id: expect.any(String), title: 'Socks with pockets', status: 'OPEN', votes: 0, voteThreshold: 3, viewerIsAuthor: true },
      userErrors: [],
    });
    const bad = await t.data(PROPOSE, { input: { sellerId: seller.id, title: ' ', description: 'x'.repeat(5001), imageUrl: 'ftp://x' } }, author!.token);
    expect(bad.coCreationProposalCreate.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.title', 'BLANK'],
      ['input.description', 'TOO_LONG'],
      ['input.imageUrl', 'INVALID'],
    ]);
    const badId = await t.data(PROPOSE, { input: { sellerId: 'nope', title: 'x', description: 'y' } }, author!.token);
    expect(badId.coCreationProposalCreate.userErrors[0]).toMatchObject({ field: ['input', 'sellerId'], code: 'INVALID_ID' });
  });

  it('refuses proposals to a seller without the plugin, and from anyone but customers', async () => {
    const [customer] = await t.customers(1);
    const input = { sellerId: outsider.id, title: 'Hat', description: 'A hat.' };
    expect((await t.request(PROPOSE, { input }, customer!.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const mine = { ...input, sellerId: seller.id };
    expect((await t.request(PROPOSE, { input: mine })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.request(PROPOSE, { input: mine }, seller.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(PROPOSE, { input: mine }, outsider.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('caps open proposals per customer and honours a paused seller', async () => {
    const s = await t.seller();
    await install(t, s, { maxOpenProposalsPerCustomer: 1 });
    const [customer] = await t.customers(1);
    await propose(t, customer!, s);
    const second = await t.data(PROPOSE, { input: { sellerId: s.id, title: 'Two', description: 'd' } }, customer!.token);
    expect(second.coCreationProposalCreate.userErrors[0]).toMatchObject({ field: ['input', 'sellerId'], code: 'LIMIT_EXCEEDED' });
    await t.data('mutation { pluginConfigure(input: { plugin: "co-creation", config: { acceptingProposals: false } }) { userErrors { code } } }', {}, s.key);
    const [other] = await t.customers(1);
    const paused = await t.data(PROPOSE, { input: { sellerId: s.id, title: 'Three', description: 'd' } }, other!.token);
    expect(paused.coCreationProposalCreate.userErrors[0]).toMatchObject({ code: 'INVALID_STATE', message: 'This seller is not taking proposals right now.' });
  });

  it('approves at the threshold, once, and records co-creation.proposal.approved for the seller', async () => {
    const [author, ...voters] = await t.customers(5);
    const id = await propose(t, author!, seller);
    const second = await voteBy(t, id, voters.slice(0, 2));
    expect(second.proposal).toMatchObject({ status: 'OPEN', votes: 2, approvedAt: null, viewerHasVoted: true });
    const third = await voteBy(t, id, [voters[2]!]);
    expect(third.proposal).toMatchObject({ status: 'APPROVED', votes: 3, approvedAt: expect.any(String) });
    const fourth = await voteBy(t, id, [voters[3]!]);
    expect(fourth.proposal).toMatchObject({ status: 'APPROVED', votes: 4, approvedAt: third.proposal.approvedAt });
    const events = await approvedEvents(id);
    expect(events).toEqual([
      { payload: { proposalId: uuidOf(id), title: 'A raincoat with a hood for two', votes: 3, customerId: author!.uuid, sellerId: uuidOf(seller.id) } },
    ]);
  });

  it('counts one vote per customer and none from the author', async () => {
    const [author, voter] = await t.customers(2);
    const id = await propose(t, author!, seller);
    await voteBy(t, id, [voter!]);
    const again = await t.data(VOTE, { input: { proposalId: id } }, voter!.token);
    expect(again.coCreationVote.userErrors).toEqual([{ field: ['input', 'proposalId'], message: 'You already voted for this proposal.', code: 'TAKEN' }]);
    const own = await t.data(VOTE, { input: { proposalId: id } }, author!.token);
    expect(own.coCreationVote.userErrors[0].code).toBe('FORBIDDEN');
    const view = await t.data('query ($id: ID!) { node(id: $id) { ... on CoCreationProposal { votes viewerHasVoted } } }', { id }, voter!.token);
    expect(view.node).toEqual({ votes: 1, viewerHasVoted: true });
    const bad = await t.data(VOTE, { input: { proposalId: seller.id } }, voter!.token);
    expect(bad.coCreationVote.userErrors[0].code).toBe('INVALID_ID');
  });

  it('counts 20 concurrent votes exactly and approves once at a threshold of 10', async () => {
    const s = await t.seller();
    await install(t, s, { voteThreshold: 10 });
    const [author, ...voters] = await t.customers(21);
    const id = await propose(t, author!, s);
    const results = await Promise.all(voters.map((v) => t.data(VOTE, { input: { proposalId: id } }, v.token)));
    expect(results.flatMap((r) => r.coCreationVote.userErrors)).toEqual([]);
    expect(results.map((r) => r.coCreationVote.proposal.votes).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const view = await t.data('query ($id: ID!) { node(id: $id) { ... on CoCreationProposal { votes status } } }', { id });
    expect(view.node).toEqual({ votes: 20, status: 'APPROVED' });
    const [{ n }] = await t.app.dataSource.query('SELECT count(*)::int AS n FROM co_creation_vote WHERE proposal_id = $1', [uuidOf(id)]);
    expect(n).toBe(20);
    const events = await approvedEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0].payload.votes).toBe(10);
  });

  it('lists open and approved proposals newest first, page by page', async () => {
    const s = await t.seller();
    await install(t, s, { voteThreshold: 1, maxOpenProposalsPerCustomer: 10 });
    const [author, voter] = await t.customers(2);
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three', 'four', 'five']) ids.push(await propose(t, author!, s, title));
    await voteBy(t, ids[1]!, [voter!]);
    await t.data(`mutation ($id: ID!) { coCreationProposalReject(input: { proposalId: $id }) { userErrors { code } } }`, { id: ids[2] }, s.key);
    const LIST = `query ($s: ID!, $after: String, $status: CoCreationProposalStatus) {
      coCreationProposals(sellerId: $s, first: 2, after: $after, status: $status) { nodes { title status } pageInfo { hasNextPage endCursor } }
    }`;
    const titles: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (await t.data(LIST, { s: s.id, after })).coCreationProposals;
      titles.push(...page.nodes.map((n: { title: string }) => n.title));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(titles).toEqual(['five', 'four', 'two', 'one']);
    const approved = await t.data(LIST, { s: s.id, status: 'APPROVED' });
    expect(approved.coCreationProposals.nodes).toEqual([{ title: 'two', status: 'APPROVED' }]);
    expect((await t.request(LIST, { s: s.id, status: 'REJECTED' }, voter!.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.data(LIST, { s: s.id, status: 'REJECTED' }, s.key)).coCreationProposals.nodes).toEqual([{ title: 'three', status: 'REJECTED' }]);
    expect((await t.request(LIST, { s: outsider.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const SELLERS = `query ($a: ID!, $b: ID!) {
      a: seller(id: $a) { coCreationProposals(first: 10) { nodes { title } } }
      b: seller(id: $b) { coCreationProposals(first: 10) { nodes { title } } }
    }`;
    const sellers = await t.data(SELLERS, { a: s.id, b: outsider.id });
    expect(sellers.a.coCreationProposals.nodes.map((n: { title: string }) => n.title)).toEqual(['five', 'four', 'two', 'one']);
    expect(sellers.b.coCreationProposals).toBeNull();
  });

  it('shows a rejected proposal only to its seller and its author', async () => {
    const [author, voter] = await t.customers(2);
    const id = await propose(t, author!, seller);
    const rejected = await t.data(
      `mutation ($id: ID!) { coCreationProposalReject(input: { proposalId: $id, reason: "We can't source the fabric." }) { proposal { status rejectionReason } userErrors { code } } }`,
      { id },
      seller.key,
    );
    expect(rejected.coCreationProposalReject.proposal).toEqual({ status: 'REJECTED', rejectionReason: "We can't source the fabric." });
    const NODE = 'query ($id: ID!) { node(id: $id) { ... on CoCreationProposal { status } } }';
    expect((await t.data(NODE, { id }, author!.token)).node).toEqual({ status: 'REJECTED' });
    expect((await t.data(NODE, { id }, seller.key)).node).toEqual({ status: 'REJECTED' });
    expect((await t.data(NODE, { id }, voter!.token)).node).toBeNull();
    expect((await t.data(NODE, { id })).node).toBeNull();
    const late = await t.data(VOTE, { input: { proposalId: id } }, voter!.token);
    expect(late.coCreationVote.userErrors[0].code).toBe('NOT_FOUND');
  });
});
