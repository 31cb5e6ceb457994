import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { perRequest, type Context } from '../../src/plugin';
import { coCreation } from './co-creation.plugin';
import { ProposalEntity } from './proposal.entity';
import { VoteEntity } from './vote.entity';

/** Product uuid → the proposal it was converted from: one query (plus the installation check) per page. */
export function proposalByProductId(ctx: Context) {
  return perRequest(ctx, 'co-creation:proposalByProductId', () =>
    new DataLoader<string, ProposalEntity | null>(async (productIds) => {
      const rows = await coCreation(ctx).findAcrossSellers(ctx, ProposalEntity, { productId: In([...productIds]) });
      const byProduct = new Map(rows.map((r) => [r.productId, r]));
      return productIds.map((id) => byProduct.get(id) ?? null);
    }),
  );
}

/** Proposal uuid → whether the signed-in customer voted for it (false for everyone else, without a query). */
export function votedByViewer(ctx: Context) {
  return perRequest(ctx, 'co-creation:votedByViewer', () =>
    new DataLoader<string, boolean>(async (proposalIds) => {
      if (ctx.viewer.kind !== 'customer') return proposalIds.map(() => false);
      const rows = await coCreation(ctx).findAcrossSellers(ctx, VoteEntity, { customerId: ctx.viewer.customerId, proposalId: In([...proposalIds]) });
      const voted = new Set(rows.map((r) => r.proposalId));
      return proposalIds.map((id) => voted.has(id));
    }),
  );
}
