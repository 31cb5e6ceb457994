import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { CustomerLoginInput, CustomerSignUpInput } from './sign-in.inputs';
import { CustomerAuthPayload } from './sign-in.payloads';
import { logIn, signUp } from './sign-in.service';

@Resolver()
export class SignInResolver {
  @Mutation(() => CustomerAuthPayload, { description: 'Create a customer account and sign in.' })
  customerSignUp(@Ctx() ctx: Context, @Arg('input') input: CustomerSignUpInput) {
    return payload(() => signUp(ctx, input));
  }

  @Mutation(() => CustomerAuthPayload, { description: 'Exchange email and password for an access token.' })
  customerLogin(@Ctx() ctx: Context, @Arg('input') input: CustomerLoginInput) {
    return payload(() => logIn(ctx, input));
  }
}
