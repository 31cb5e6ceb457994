import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Product, Seller } from 'zoco/plugin';
import type { Context } from './co-creation.plugin';
import { proposalOfProduct } from './proposal.loaders';
import { CoCreationProposalsArgs } from './proposal.inputs';
import { listProposals } from './proposal.service';
import { CoCreationProposalConnection } from './proposal.payloads';
import { toProposal } from './proposal.rows';
import { CoCreationProposal } from './proposal.type';

// The host makes both fields null where the object's seller has not installed co-creation.

@Resolver(() => Seller)
export class SellerProposalsResolver {
  @FieldResolver(() => CoCreationProposalConnection, { nullable: true, description: 'Designs customers proposed to this seller (co-creation plugin).' })
  coCreationProposals(@Ctx() ctx: Context, @Root() seller: Seller, @Args() args: CoCreationProposalsArgs) {
    return listProposals(ctx, seller.uuid, args);
  }
}

@Resolver(() => Product)
export class ProductProposalResolver {
  @FieldResolver(() => CoCreationProposal, { nullable: true, description: 'The customer proposal this product was made from (co-creation plugin).' })
  coCreatedFrom(@Ctx() ctx: Context, @Root() product: Product): CoCreationProposal | null | Promise<CoCreationProposal | null> {
    const proposal = proposalOfProduct(ctx, product);
    return proposal instanceof Promise ? proposal.then((row) => row && toProposal(row)) : proposal && toProposal(proposal);
  }
}
