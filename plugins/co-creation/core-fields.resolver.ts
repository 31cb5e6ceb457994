import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Product, Seller, type Context } from '../../src/plugin';
import { PLUGIN_NAME, coCreation } from './co-creation.plugin';
import type { ProposalEntity } from './proposal.entity';
import { proposalByProductId } from './proposal.loaders';
import { CoCreationProposalsArgs } from './proposal.inputs';
import { listProposals } from './proposal.service';
import { CoCreationProposal, CoCreationProposalConnection, toProposal } from './proposal.type';

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
    // Proposals become products only through scope.createProduct, which records this plugin on them.
    if (product.createdByPlugin !== PLUGIN_NAME || !product.createdBySellerUuid) return null;
    // A converted proposal never changes again (no votes, no state after CONVERTED): kept once read.
    const converted = coCreation(ctx).memo<string, ProposalEntity>(ctx, product.createdBySellerUuid);
    const known = converted?.get(product.uuid);
    if (known) return toProposal(known);
    return proposalByProductId(ctx)
      .load(product.uuid)
      .then((row) => {
        if (row?.status === 'converted') converted?.set(product.uuid, row);
        return row ? toProposal(row) : null;
      });
  }
}
