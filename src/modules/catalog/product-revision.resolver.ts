import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { PageArgs } from '../../core/connection';
import { payload } from '../../core/payload';
import { Seller } from '../sellers';
import { ProductRevisionRevertInput } from './catalog.inputs';
import { ProductRevisionConnection, ProductRevisionRevertPayload } from './catalog.payloads';
import { canSeeProduct } from './catalog.visibility';
import { Product } from './product.type';
import { ProductRevision } from './product-revision.type';
import { listRevisions, revertRevision } from './product-revisions';

@Resolver(() => Product)
export class ProductRevisionsResolver {
  @FieldResolver(() => ProductRevisionConnection, {
    nullable: true,
    description: "Who changed the product's content and when, newest first: for the operator and the product's sellers; null for others.",
  })
  revisions(@Ctx() ctx: Context, @Root() product: Product, @Args() page: PageArgs) {
    return listRevisions(ctx, product, page);
  }

  @Authorized('ADMIN')
  @Mutation(() => ProductRevisionRevertPayload, {
    description: "Operator only: put the fields a revision changed back to their values before it; recorded as a new revision.",
  })
  productRevisionRevert(@Ctx() ctx: Context, @Arg('input') input: ProductRevisionRevertInput) {
    return payload(() => revertRevision(ctx, input.revisionId));
  }
}

@Resolver(() => ProductRevision)
export class ProductRevisionResolver {
  @FieldResolver(() => Product, { nullable: true })
  async product(@Ctx() ctx: Context, @Root() revision: ProductRevision): Promise<Product | null> {
    const product = await ctx.loaders.productById.load(revision.productUuid);
    return product && canSeeProduct(ctx.viewer, product) ? product : null;
  }

  @FieldResolver(() => Seller, { nullable: true, description: 'The seller that made the change; null when the operator did.' })
  seller(@Ctx() ctx: Context, @Root() revision: ProductRevision): Promise<Seller | null> | null {
    return revision.sellerUuid ? ctx.loaders.sellerById.load(revision.sellerUuid) : null;
  }
}
