import { sellerMay } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import type { ProposalEntity } from './proposal.entity';

/** The seller a proposal was made to (a key with catalog:write), or the operator: they see every status and decide. */
export function isProposalSeller(ctx: Context, sellerId: string): boolean {
  return sellerMay(ctx.viewer, sellerId, 'catalog:write');
}

/** Rejected proposals stay between the seller and their author; every other status is public. */
export function canSeeProposal(ctx: Context, p: ProposalEntity): boolean {
  if (p.status !== 'rejected') return true;
  return isProposalSeller(ctx, p.sellerId) || (ctx.viewer.kind === 'customer' && ctx.viewer.customerId === p.customerId);
}
