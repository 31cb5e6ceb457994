import { In } from 'typeorm';
import { ErrorCode, Validator, fail, idOf, requireSeller, type PluginScope, type Product } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import type { CoCreationConfig } from './co-creation.config';
import { ProposalEntity, type ProposalStatus } from './proposal.entity';
import type { CoCreationProposalConvertInput, CoCreationProposalRejectInput } from './proposal.inputs';
import { toProposal } from './proposal.rows';

/** The seller key's own scope and the proposal uuid (deciding needs catalog:write); another seller's proposal is NOT_FOUND. */
async function ownProposal(ctx: Context, proposalId: string) {
  const sellerId = requireSeller(ctx.viewer, 'catalog:write');
  const uuid = idOf(proposalId, 'CoCreationProposal');
  if (!uuid) fail('proposalId', 'proposalId is not a valid CoCreationProposal ID.', ErrorCode.INVALID_ID);
  const scope = await ctx.plugin.scope(sellerId);
  if (!(await scope.table(ProposalEntity).count({ id: uuid }))) fail('proposalId', 'Proposal not found.', ErrorCode.NOT_FOUND);
  return { scope, uuid };
}

/** Moves `uuid` from one of `from` to a new state, atomically (the first of concurrent decisions wins). */
async function decide(
  scope: PluginScope<CoCreationConfig>,
  uuid: string,
  from: ProposalStatus[],
  changes: Partial<ProposalEntity>,
): Promise<void> {
  const moved = await scope.table(ProposalEntity).update({ id: uuid, status: In(from) }, changes);
  if (moved) return;
  const current = await scope.table(ProposalEntity).findOne({ id: uuid });
  fail('proposalId', `The proposal is ${current?.status.toUpperCase()}; only ${from.join(' or ').toUpperCase()} proposals can be ${changes.status}.`, ErrorCode.INVALID_STATE);
}

export async function rejectProposal(ctx: Context, input: CoCreationProposalRejectInput) {
  const v = new Validator();
  v.text('reason', input.reason, { required: false, max: 500, multiline: true });
  v.done();
  const { scope, uuid } = await ownProposal(ctx, input.proposalId);
  await decide(scope, uuid, ['open', 'approved'], { status: 'rejected', rejectedAt: new Date(), rejectionReason: input.reason?.trim() || null });
  return { proposal: toProposal((await scope.table(ProposalEntity).findOne({ id: uuid }))!) };
}

/**
 * Turns an approved proposal into a product of the seller with a pre-order listing, in one
 * transaction: the proposal is claimed first, so concurrent conversions make one product.
 */
export async function convertProposal(ctx: Context, input: CoCreationProposalConvertInput) {
  const v = new Validator();
  v.text('title', input.title, { required: false, max: 200 });
  v.text('description', input.description, { required: false, max: 20_000, multiline: true });
  v.int('price.amount', input.price.amount);
  v.check(input.price.currency === ctx.currency, 'price.currency', `Listings are priced in ${ctx.currency}.`, ErrorCode.CURRENCY_NOT_SUPPORTED);
  v.int('preorderStock', input.preorderStock, { min: 1, max: 1_000_000 });
  v.int('handlingDays', input.handlingDays, { min: 0, max: 60 });
  v.done();
  const { scope, uuid } = await ownProposal(ctx, input.proposalId);
  const proposal = await scope.transaction(async (tx) => {
    await decide(tx, uuid, ['approved'], { status: 'converted', convertedAt: new Date() });
    const row = (await tx.table(ProposalEntity).findOne({ id: uuid }))!;
    const created = await tx.createProduct({
      title: input.title?.trim() || row.title,
      description: input.description ?? row.description,
      images: row.imageUrl ? [{ url: row.imageUrl, alt: row.title }] : [],
      status: input.draft ? 'draft' : 'active',
      price: input.price,
      stock: input.preorderStock,
      handlingDays: input.handlingDays,
      // Unique per seller because a proposal converts once; the seller may change it with listingUpdate.
      sku: `CC-${uuid}`,
    });
    await tx.table(ProposalEntity).update({ id: uuid }, { productId: created.productId });
    if (!input.draft) await tx.emit('proposal.converted', { proposalId: uuid, productId: created.productId, title: input.title?.trim() || row.title });
    return { ...row, productId: created.productId };
  });
  const product = (await ctx.plugin.node('Product', proposal.productId)) as Product | null;
  return { proposal: toProposal(proposal), product: product ?? undefined };
}
