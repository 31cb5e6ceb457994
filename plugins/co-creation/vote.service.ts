import { In } from 'typeorm';
import { ErrorCode, fail, requireCustomer } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import { ProposalEntity, type ProposalStatus } from './proposal.entity';
import { requireProposal } from './proposal.service';
import { toProposal } from './proposal.rows';
import { VoteEntity } from './vote.entity';

const VOTABLE: ProposalStatus[] = ['open', 'approved'];

/**
 * One vote per customer and proposal. The counter goes up first, which locks the proposal row until
 * commit, so concurrent votes of one proposal run one after the other: each sees the count the
 * previous ones left, and only the vote that crosses the threshold approves the proposal and emits
 * `co-creation.proposal.approved`. A duplicate vote rolls its increment back.
 */
export async function vote(ctx: Context, input: { proposalId: string }) {
  const customerId = requireCustomer(ctx.viewer);
  const found = await requireProposal(ctx, input.proposalId);
  if (found.customerId === customerId) fail('proposalId', "You can't vote for your own proposal.", ErrorCode.FORBIDDEN);
  const scope = await ctx.plugin.scope(found.sellerId);
  const proposal = await scope.transaction(async (tx) => {
    const proposals = tx.table(ProposalEntity);
    const counted = await proposals.increment({ id: found.id, status: In(VOTABLE) }, 'votes', 1);
    if (!counted) fail('proposalId', 'This proposal no longer takes votes.', ErrorCode.INVALID_STATE);
    const inserted = await tx.table(VoteEntity).insertIfAbsent({ proposalId: found.id, customerId });
    if (!inserted) fail('proposalId', 'You already voted for this proposal.', ErrorCode.TAKEN);
    const row = (await proposals.findOne({ id: found.id }))!;
    if (row.status !== 'open' || row.votes < tx.config.voteThreshold) return row;
    const approvedAt = new Date();
    await proposals.update({ id: row.id, status: 'open' }, { status: 'approved', approvedAt });
    await tx.emit('proposal.approved', { proposalId: row.id, title: row.title, votes: row.votes, customerId: row.customerId });
    return { ...row, status: 'approved' as const, approvedAt };
  });
  return { proposal: toProposal(proposal) };
}
