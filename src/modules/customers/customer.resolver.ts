import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../server/context';
import { payload } from '../../core/payload';
import { Customer } from './customer.type';
import { CustomerLoginInput, CustomerSignUpInput } from './customer.inputs';
import { CustomerAuthPayload } from './customer.payloads';
import * as customers from './customer.service';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'The signed-in customer; null for guests.' })
  viewer(@Ctx() ctx: Context): Promise<Customer | null> {
    return customers.viewerCustomer(ctx);
  }

  @Mutation(() => CustomerAuthPayload, { description: 'Create a customer account and sign in.' })
  customerSignUp(@Ctx() ctx: Context, @Arg('input') input: CustomerSignUpInput) {
    return payload(() => customers.signUp(ctx, input));
  }

  @Mutation(() => CustomerAuthPayload, { description: 'Exchange email and password for an access token.' })
  customerLogin(@Ctx() ctx: Context, @Arg('input') input: CustomerLoginInput) {
    return payload(() => customers.logIn(ctx, input));
  }
}
