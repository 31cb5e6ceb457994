import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { perRequest, type Product } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import { PLUGIN_NAME } from './co-creation.plugin';
import { ProposalEntity } from './proposal.entity';
import { VoteEntity } from './vote.entity';

/** Product uuid → the proposal it was converted from: one query (plus the installation check) per page. */
export function proposalByProductId(ctx: Context) {
  return perRequest(ctx, 'co-creation:proposalByProductId', () =>
    new DataLoader<string, ProposalEntity | null>(async (productIds) => {
      const rows = await ctx.plugin.findAcrossSellers(ProposalEntity, { productId: In([...productIds]) });
      const byProduct = new Map(rows.map((r) => [r.productId, r]));
      return productIds.map((id) => byProduct.get(id) ?? null);
    }),
  );
}

/**
 * The proposal `product` was made from, without waiting where that is already known: proposals become
 * products only through scope.createProduct (which records this plugin on them), and a converted proposal
 * never changes again (no votes, no state after CONVERTED), so it is kept in the installation's memo.
 */
export function proposalOfProduct(ctx: Context, product: Product): ProposalEntity | null | Promise<ProposalEntity | null> {
  if (product.createdByPlugin !== PLUGIN_NAME || !product.createdBySellerUuid) return null;
  const converted = ctx.plugin.memo<string, ProposalEntity>(product.createdBySellerUuid);
  const known = converted?.get(product.uuid);
  if (known) return known;
  return proposalByProductId(ctx)
    .load(product.uuid)
    .then((row) => {
      if (row?.status === 'converted') converted?.set(product.uuid, row);
      return row;
    });
}

/** Proposal uuid → whether the signed-in customer voted for it (false for everyone else, without a query). */
export function votedByViewer(ctx: Context) {
  return perRequest(ctx, 'co-creation:votedByViewer', () =>
    new DataLoader<string, boolean>(async (proposalIds) => {
      if (ctx.viewer.kind !== 'customer') return proposalIds.map(() => false);
      const rows = await ctx.plugin.findAcrossSellers(VoteEntity, { customerId: ctx.viewer.customerId, proposalId: In([...proposalIds]) });
      const voted = new Set(rows.map((r) => r.proposalId));
      return proposalIds.map((id) => voted.has(id));
    }),
  );
}
