import { In, Not } from 'typeorm';
import type { PluginPrivacy } from 'zoco/plugin';
import { ProposalEntity } from './proposal.entity';
import { VoteEntity } from './vote.entity';

/**
 * A customer's proposals and votes, with every seller. Erasure withdraws their votes (keeping each
 * proposal's `votes` equal to its rows) and deletes their proposals, except converted ones: those are
 * the provenance of a product on sale (`Product.coCreatedFrom`, kept in the plugin's memo), and their
 * author link then leads only to the erased, pseudonymised customer.
 */
export const coCreationPrivacy: PluginPrivacy = {
  async export({ customerId, table }) {
    const [proposals, votes] = await Promise.all([
      table(ProposalEntity).find({ customerId }, { id: 'ASC' }),
      table(VoteEntity).find({ customerId }, { createdAt: 'ASC', proposalId: 'ASC' }),
    ]);
    return {
      proposals: proposals.map((p) => ({
        id: p.id,
        sellerId: p.sellerId,
        title: p.title,
        description: p.description,
        imageUrl: p.imageUrl,
        status: p.status,
        votes: p.votes,
        productId: p.productId,
        createdAt: p.createdAt,
      })),
      votes: votes.map((v) => ({ proposalId: v.proposalId, sellerId: v.sellerId, createdAt: v.createdAt })),
    };
  },
  async erase({ customerId, table }) {
    const votes = await table(VoteEntity).find({ customerId });
    if (votes.length) {
      // One vote per customer and proposal (the primary key), so each of these proposals loses exactly one.
      await table(ProposalEntity).increment({ id: In(votes.map((v) => v.proposalId)) }, 'votes', -1);
      await table(VoteEntity).delete({ customerId });
    }
    // Other customers' votes on these go with them (ON DELETE CASCADE).
    await table(ProposalEntity).delete({ customerId, status: Not('converted') });
  },
};
