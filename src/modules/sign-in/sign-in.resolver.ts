import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import {
  CustomerAccessTokenRenewInput,
  CustomerEmailVerifyInput,
  CustomerLoginInput,
  CustomerLogoutInput,
  CustomerPasswordChangeInput,
  CustomerPasswordResetInput,
  CustomerPasswordResetRequestInput,
  CustomerSignUpInput,
} from './sign-in.inputs';
import { CustomerAuthPayload, CustomerEmailVerifyPayload, CustomerLogoutPayload, CustomerPasswordResetRequestPayload } from './sign-in.payloads';
import { logIn, signUp } from './sign-in.service';
import { logOut, logOutEverywhere, renewSession } from './session.service';
import { changePassword, requestPasswordReset, resetPassword, verifyEmail } from './password.service';

@Resolver()
export class SignInResolver {
  @Mutation(() => CustomerAuthPayload, { description: 'Create a customer account and sign in; a verification message goes to the email.' })
  customerSignUp(@Ctx() ctx: Context, @Arg('input') input: CustomerSignUpInput) {
    return payload(() => signUp(ctx, input));
  }

  @Mutation(() => CustomerAuthPayload, { description: 'Exchange email and password for an access token and a refresh token. Repeated failures are RATE_LIMITED.' })
  customerLogin(@Ctx() ctx: Context, @Arg('input') input: CustomerLoginInput) {
    return payload(() => logIn(ctx, input));
  }

  @Mutation(() => CustomerAuthPayload, { description: 'Spend a refresh token for a new access token and the next refresh token. A spent refresh token presented again ends its session.' })
  customerAccessTokenRenew(@Ctx() ctx: Context, @Arg('input') input: CustomerAccessTokenRenewInput) {
    return payload(() => renewSession(ctx, input));
  }

  @Mutation(() => CustomerLogoutPayload, { description: "End this session: the access token sent (or the refresh token given) and its refresh tokens stop working." })
  customerLogout(@Ctx() ctx: Context, @Arg('input', () => CustomerLogoutInput, { nullable: true }) input?: CustomerLogoutInput | null) {
    return payload(() => logOut(ctx, input));
  }

  @Mutation(() => CustomerLogoutPayload, { description: 'End every session of the customer: every access and refresh token issued so far stops working at once.' })
  customerLogoutEverywhere(@Ctx() ctx: Context) {
    return payload(() => logOutEverywhere(ctx));
  }

  @Mutation(() => CustomerAuthPayload, { description: 'Change the password: every session ends, and a new one starts for the caller.' })
  customerPasswordChange(@Ctx() ctx: Context, @Arg('input') input: CustomerPasswordChangeInput) {
    return payload(() => changePassword(ctx, input));
  }

  @Mutation(() => CustomerPasswordResetRequestPayload, { description: 'Send a password-reset message; the answer is the same whether or not an account has the email.' })
  customerPasswordResetRequest(@Ctx() ctx: Context, @Arg('input') input: CustomerPasswordResetRequestInput) {
    return payload(() => requestPasswordReset(ctx, input));
  }

  @Mutation(() => CustomerAuthPayload, { description: "Choose a new password with the reset message's token; every session ends and a new one starts." })
  customerPasswordReset(@Ctx() ctx: Context, @Arg('input') input: CustomerPasswordResetInput) {
    return payload(() => resetPassword(ctx, input));
  }

  @Mutation(() => CustomerEmailVerifyPayload, { description: "Confirm the customer's email with the verification message's token." })
  customerEmailVerify(@Ctx() ctx: Context, @Arg('input') input: CustomerEmailVerifyInput) {
    return payload(() => verifyEmail(ctx, input));
  }
}
