import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { Category } from '../catalog';
import { Customer } from '../customers';
import { Seller } from '../sellers';
import { CategoryAffinity, CustomerTraits, SellerAffinity } from './traits.type';
import { traitsOf } from './traits.service';

/** Extends the customers module's Customer with traits: personalization depends on customers, not the reverse. */
@Resolver(() => Customer)
export class CustomerTraitsResolver {
  @FieldResolver(() => CustomerTraits, {
    nullable: true,
    description:
      'What personalization has learnt about this customer, with explanations (null without the personalization consent). The customer and the operator only; a seller gets FORBIDDEN.',
  })
  traits(@Ctx() ctx: Context, @Root() customer: Customer) {
    return traitsOf(ctx, customer.uuid);
  }
}

@Resolver(() => CategoryAffinity)
export class CategoryAffinityResolver {
  @FieldResolver(() => Category, { nullable: true })
  category(@Ctx() ctx: Context, @Root() affinity: CategoryAffinity) {
    return ctx.loaders.categoryById.load(affinity.categoryUuid);
  }
}

@Resolver(() => SellerAffinity)
export class SellerAffinityResolver {
  @FieldResolver(() => Seller, { nullable: true })
  seller(@Ctx() ctx: Context, @Root() affinity: SellerAffinity) {
    return ctx.loaders.sellerById.load(affinity.sellerUuid);
  }
}
