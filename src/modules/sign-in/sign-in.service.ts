import type { Context } from '../../core/context';
import { idOf } from '../../core/global-id';
import { withTransaction } from '../../db/transaction';
import { mergeGuestCart } from '../carts';
import { createCustomer, customerByCredentials, type Customer } from '../customers';
import type { CustomerLoginInput, CustomerSignUpInput } from './sign-in.inputs';

/**
 * Signing in is its own use case above customers and carts: the account comes from customers, the
 * guest cart it brings along goes to carts (adopted or merged); a malformed or stale cart id is ignored.
 */
async function signIn(ctx: Context, customer: Customer, cartId: string | undefined | null) {
  const guestCart = cartId ? idOf(cartId, 'Cart') : null;
  if (guestCart) await withTransaction(ctx, (tx) => mergeGuestCart(tx, guestCart, customer.uuid));
  const { token, expiresAt } = await ctx.tokens.issueCustomerToken(customer.uuid);
  return { customer, customerAccessToken: { accessToken: token, expiresAt } };
}

export async function signUp(ctx: Context, input: CustomerSignUpInput) {
  return signIn(ctx, await createCustomer(ctx, input), input.cartId);
}

export async function logIn(ctx: Context, input: CustomerLoginInput) {
  return signIn(ctx, await customerByCredentials(ctx, input.email, input.password), input.cartId);
}
