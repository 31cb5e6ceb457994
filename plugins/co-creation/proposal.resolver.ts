import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Product, Seller, payload } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import { coCreationConfig } from './co-creation.config';
import { votedByViewer } from './proposal.loaders';
import {
  CoCreationProposalConvertInput,
  CoCreationProposalCreateInput,
  CoCreationProposalRejectInput,
  CoCreationProposalsArgs,
  CoCreationVoteInput,
} from './proposal.inputs';
import { CoCreationProposalConnection, CoCreationProposalConvertPayload, CoCreationProposalPayload } from './proposal.payloads';
import { CoCreationProposal } from './proposal.type';
import { createProposal, listProposalsOf } from './proposal.service';
import { convertProposal, rejectProposal } from './seller-review.service';
import { vote } from './vote.service';

const DEFAULT_THRESHOLD = coCreationConfig.parse({}).voteThreshold;

@Resolver(() => CoCreationProposal)
export class ProposalResolver {
  @Query(() => CoCreationProposalConnection, { description: "A seller's proposals, newest first (the seller must have installed co-creation)." })
  coCreationProposals(@Ctx() ctx: Context, @Arg('sellerId', () => ID) sellerId: string, @Args() args: CoCreationProposalsArgs) {
    return listProposalsOf(ctx, sellerId, args);
  }

  @Mutation(() => CoCreationProposalPayload, { description: 'Propose a design to a seller (customers).' })
  coCreationProposalCreate(@Ctx() ctx: Context, @Arg('input') input: CoCreationProposalCreateInput) {
    return payload(() => createProposal(ctx, input));
  }

  @Mutation(() => CoCreationProposalPayload, { description: "Vote for someone else's proposal, once (customers)." })
  coCreationVote(@Ctx() ctx: Context, @Arg('input') input: CoCreationVoteInput) {
    return payload(() => vote(ctx, input));
  }

  @Mutation(() => CoCreationProposalPayload, { description: 'Reject an open or approved proposal made to you (seller key).' })
  coCreationProposalReject(@Ctx() ctx: Context, @Arg('input') input: CoCreationProposalRejectInput) {
    return payload(() => rejectProposal(ctx, input));
  }

  @Mutation(() => CoCreationProposalConvertPayload, {
    description: 'Make an approved proposal your product, with a listing taking pre-orders (seller key with catalog:write).',
  })
  coCreationProposalConvert(@Ctx() ctx: Context, @Arg('input') input: CoCreationProposalConvertInput) {
    return payload(() => convertProposal(ctx, input));
  }

  @FieldResolver(() => Seller, { nullable: true })
  seller(@Ctx() ctx: Context, @Root() proposal: CoCreationProposal) {
    return ctx.plugin.node('Seller', proposal.sellerUuid) ?? null;
  }

  @FieldResolver(() => Int, { description: "Votes that approve it: the seller's current threshold." })
  async voteThreshold(@Ctx() ctx: Context, @Root() proposal: CoCreationProposal): Promise<number> {
    const config = (await ctx.plugin.installedBy([proposal.sellerUuid])).get(proposal.sellerUuid);
    return config?.voteThreshold ?? DEFAULT_THRESHOLD;
  }

  @FieldResolver(() => Boolean, { description: 'Whether you (a signed-in customer) voted for it.' })
  viewerHasVoted(@Ctx() ctx: Context, @Root() proposal: CoCreationProposal): Promise<boolean> {
    return votedByViewer(ctx).load(proposal.uuid);
  }

  @FieldResolver(() => Boolean, { description: 'Whether you (a signed-in customer) proposed it.' })
  viewerIsAuthor(@Ctx() ctx: Context, @Root() proposal: CoCreationProposal): boolean {
    return ctx.viewer.kind === 'customer' && ctx.viewer.customerId === proposal.customerUuid;
  }

  @FieldResolver(() => Product, { nullable: true, description: 'The product it became, once CONVERTED (null while it is a draft, except for its seller).' })
  product(@Ctx() ctx: Context, @Root() proposal: CoCreationProposal) {
    return proposal.productUuid ? (ctx.plugin.node('Product', proposal.productUuid) ?? null) : null;
  }
}
