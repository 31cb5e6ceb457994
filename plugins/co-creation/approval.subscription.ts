import { Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { notFound, sellerMay, type PublishedEvent } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import { findProposal } from './proposal.service';
import { toProposal } from './proposal.rows';
import { CoCreationProposal } from './proposal.type';

export const PROPOSAL_APPROVED = 'co-creation.proposal.approved';

/** The payload `vote` emits when a proposal reaches its threshold (uuids); the host adds sellerId. */
export interface ProposalApprovedPayload {
  proposalId: string;
  title: string;
  votes: number;
  customerId: string;
  sellerId: string;
}

/** Whether the viewer is the proposal's seller or its author: nobody else hears of it. */
function concerns(event: PublishedEvent, ctx: Context): boolean {
  const approved = event.payload as unknown as ProposalApprovedPayload;
  if (ctx.viewer.kind === 'seller') return sellerMay(ctx.viewer, approved.sellerId, 'catalog:write');
  return ctx.viewer.kind === 'customer' && ctx.viewer.customerId === approved.customerId;
}

@Resolver()
export class ProposalApprovedResolver {
  @Authorized('SELLER', 'CUSTOMER')
  @Subscription(() => CoCreationProposal, {
    topics: PROPOSAL_APPROVED,
    filter: ({ payload, context }) => concerns(payload as PublishedEvent, context as Context),
    description:
      'Proposals reaching their vote threshold: made to you (seller key) or by you (customers). At most once per proposal while connected; query coCreationProposals(status: APPROVED) after reconnecting.',
  })
  async coCreationProposalApproved(@Root() event: PublishedEvent, @Ctx() ctx: Context): Promise<CoCreationProposal> {
    const { proposalId } = event.payload as unknown as ProposalApprovedPayload;
    const row = await findProposal(ctx, proposalId);
    if (!row) throw notFound('The proposal is no longer available.');
    return toProposal(row);
  }
}
