import { definePlugin } from 'zoco/plugin';
import { ProposalApprovedResolver } from './approval.subscription';
import { coCreationConfig } from './co-creation.config';
import { PLUGIN_NAME } from './co-creation.plugin';
import { ProductProposalResolver, SellerProposalsResolver } from './core-fields.resolver';
import { CoCreation1763930000000 } from './migrations/1763930000000-co-creation';
import { ProposalEntity } from './proposal.entity';
import { coCreationPrivacy } from './proposal.privacy';
import { ProposalResolver } from './proposal.resolver';
import { findProposal } from './proposal.service';
import { toProposal } from './proposal.rows';
import { VoteEntity } from './vote.entity';
import { offerToVoters } from './voter-offers';

/** Customers propose designs to a seller, other customers vote, and the seller makes the approved ones. */
export default definePlugin({
  name: PLUGIN_NAME,
  version: '1.0.0',
  compatibility: '^1.0.0',
  description:
    'Customers propose designs to you and vote on each other’s; at your vote threshold a proposal is approved and you are notified, then you can make it a product taking pre-orders.',
  config: coCreationConfig,
  permissions: ['catalog:read', 'catalog:write', 'offers:propose'],
  // Parents first: purging deletes in reverse.
  entities: [ProposalEntity, VoteEntity],
  // Its former CoCreatedProducts1763950100000 wrote the core's product table: the core's migration 1764120100000 does that now.
  migrations: [CoCreation1763930000000],
  resolvers: [ProposalResolver, SellerProposalsResolver, ProductProposalResolver, ProposalApprovedResolver],
  // Its own events, `co-creation.proposal.approved` (vote.service.ts) and `.converted` (seller-review.service.ts), relayed by the webhooks plugin.
  emits: ['proposal.approved', 'proposal.converted'],
  // A proposal on sale: its voters get offers of it (issue 16).
  on: { 'co-creation.proposal.converted': offerToVoters },
  nodes: {
    CoCreationProposal: async (ctx, id) => {
      const row = await findProposal(ctx, id);
      return row && toProposal(row);
    },
  },
  privacy: coCreationPrivacy,
});
