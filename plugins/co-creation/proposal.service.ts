import { In, LessThan } from 'typeorm';
import { ErrorCode, Validator, checkPageSize, decodeKeyset, encodeCursor, fail, forbidden, idOf, requireCustomer, requireIdOf, toConnection } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import { ProposalEntity, type ProposalStatus } from './proposal.entity';
import { toProposal } from './proposal.rows';
import { CoCreationProposalStatus } from './proposal.type';
import type { CoCreationProposalCreateInput, CoCreationProposalsArgs } from './proposal.inputs';
import { canSeeProposal, isProposalSeller } from './proposal.visibility';
import { uuidv7 } from './uuid-v7';

const URL = /^https?:\/\/\S+$/;

/** A proposal by global ID where the viewer may see it; null for malformed IDs, other plugins' sellers, or hidden ones. */
export async function findProposal(ctx: Context, uuid: string): Promise<ProposalEntity | null> {
  const [row] = await ctx.plugin.findAcrossSellers(ProposalEntity, { id: uuid });
  return row && canSeeProposal(ctx, row) ? row : null;
}

/** The proposal behind `globalId` the viewer may see, or a userError on `field`. */
export async function requireProposal(ctx: Context, globalId: string, field = 'proposalId'): Promise<ProposalEntity> {
  const uuid = idOf(globalId, 'CoCreationProposal');
  if (!uuid) fail(field, `${field} is not a valid CoCreationProposal ID.`, ErrorCode.INVALID_ID);
  const proposal = await findProposal(ctx, uuid);
  if (!proposal) fail(field, 'Proposal not found.', ErrorCode.NOT_FOUND);
  return proposal;
}

export async function createProposal(ctx: Context, input: CoCreationProposalCreateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  const sellerUuid = idOf(input.sellerId, 'Seller');
  v.check(sellerUuid !== null, 'sellerId', 'sellerId is not a valid Seller ID.', ErrorCode.INVALID_ID);
  v.text('title', input.title, { max: 120 });
  v.text('description', input.description, { max: 5_000, multiline: true });
  if (input.imageUrl != null) v.check(input.imageUrl.length <= 2_000 && URL.test(input.imageUrl), 'imageUrl', 'imageUrl must be an http(s) URL.');
  v.done();
  const scope = await ctx.plugin.scope(sellerUuid!);
  if (!scope.config.acceptingProposals) fail('sellerId', 'This seller is not taking proposals right now.', ErrorCode.INVALID_STATE);
  const proposals = scope.table(ProposalEntity);
  // A soft cap against flooding: concurrent proposals of one customer may pass it by one or two.
  const open = await proposals.count({ customerId, status: 'open' });
  if (open >= scope.config.maxOpenProposalsPerCustomer) {
    fail('sellerId', `You already have ${open} open proposals with this seller; wait for votes on them.`, ErrorCode.LIMIT_EXCEEDED);
  }
  const row = await proposals.insert({
    id: uuidv7(),
    customerId,
    title: input.title.trim(),
    description: input.description.trim(),
    imageUrl: input.imageUrl ?? null,
  });
  return { proposal: toProposal((await proposals.findOne({ id: row.id }))!) };
}

const PUBLIC_DEFAULT: ProposalStatus[] = ['open', 'approved'];

/** A seller's proposals, newest first (UUIDv7 keyset). Needs the seller to have installed the plugin. */
export async function listProposals(ctx: Context, sellerUuid: string, { first, after, status }: CoCreationProposalsArgs) {
  checkPageSize(first);
  if (status === CoCreationProposalStatus.REJECTED && !isProposalSeller(ctx, sellerUuid)) {
    throw forbidden('Only the seller lists its rejected proposals.');
  }
  const scope = await ctx.plugin.scope(sellerUuid);
  const where = { status: status ? (status as ProposalStatus) : In(PUBLIC_DEFAULT), ...(after ? { id: LessThan(decodeKeyset(after).id) } : {}) };
  const rows = await scope.table(ProposalEntity).find(where, { id: 'DESC' }, { take: first + 1 });
  return toConnection(rows, first, (r) => encodeCursor([null, r.id]), toProposal);
}

/** `coCreationProposals(sellerId:)`: the global seller ID, checked. */
export function listProposalsOf(ctx: Context, sellerId: string, args: CoCreationProposalsArgs) {
  return listProposals(ctx, requireIdOf(sellerId, 'Seller', 'sellerId'), args);
}
