import type { GraphQLClient } from 'zoco/plugin/testing';

/** What these helpers need of an app, a seller and a customer: the kit's (zoco/plugin/testing) or the repository's own. */
type TestApp = Pick<GraphQLClient, 'data'>;
type TestSeller = { id: string; key: string };
type TestCustomer = { token: string };

export const INSTALL = `mutation ($input: PluginInstallInput!) {
  pluginInstall(input: $input) { installation { config } userErrors { field message code } }
}`;
export const UNINSTALL = `mutation ($input: PluginUninstallInput!) { pluginUninstall(input: $input) { purged userErrors { code } } }`;
export const PROPOSE = `mutation ($input: CoCreationProposalCreateInput!) {
  coCreationProposalCreate(input: $input) { proposal { id title status votes voteThreshold viewerIsAuthor } userErrors { field message code } }
}`;
export const VOTE = `mutation ($input: CoCreationVoteInput!) {
  coCreationVote(input: $input) { proposal { id status votes approvedAt viewerHasVoted } userErrors { field message code } }
}`;
export const REJECT = `mutation ($input: CoCreationProposalRejectInput!) {
  coCreationProposalReject(input: $input) { proposal { status rejectionReason } userErrors { field message code } }
}`;
export const CONVERT = `mutation ($input: CoCreationProposalConvertInput!) {
  coCreationProposalConvert(input: $input) {
    proposal { id status product { id } }
    product { id title status description images { url } listings { stock price { amount currency } handlingDays } }
    userErrors { field message code }
  }
}`;

export async function install(t: TestApp, seller: TestSeller, config: Record<string, unknown>): Promise<void> {
  const res = await t.data(INSTALL, { input: { plugin: 'co-creation', config } }, seller.key);
  expect(res.pluginInstall.userErrors).toEqual([]);
}

export async function propose(t: TestApp, customer: TestCustomer, seller: TestSeller, title = 'A raincoat with a hood for two'): Promise<string> {
  const res = await t.data(PROPOSE, { input: { sellerId: seller.id, title, description: 'Big enough for a couple walking the dog.' } }, customer.token);
  expect(res.coCreationProposalCreate.userErrors).toEqual([]);
  return res.coCreationProposalCreate.proposal.id;
}

/** Votes by each customer, one after the other; returns the last payload. */
export async function voteBy(t: TestApp, proposalId: string, customers: TestCustomer[]): Promise<any> {
  let last: any;
  for (const c of customers) {
    last = (await t.data(VOTE, { input: { proposalId } }, c.token)).coCreationVote;
    expect(last.userErrors).toEqual([]);
  }
  return last;
}

export const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1]!;
