import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../core/connection';
import type { Context } from '../../core/context';
import { ProductConnection } from '../catalog';
import { Customer } from '../customers';
import { listLikedProducts } from './likes';

@Resolver(() => Customer)
export class CustomerLikesResolver {
  @FieldResolver(() => ProductConnection, { description: 'Products you like, most recently liked first.' })
  likedProducts(@Ctx() ctx: Context, @Root() customer: Customer, @Args() page: PageArgs) {
    return listLikedProducts(ctx, customer.uuid, page);
  }
}
