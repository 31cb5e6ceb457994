import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { Customer } from './customer.type';
import * as customers from './customer.service';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'The signed-in customer; null for guests.' })
  viewer(@Ctx() ctx: Context): Promise<Customer | null> {
    return customers.viewerCustomer(ctx);
  }
}
