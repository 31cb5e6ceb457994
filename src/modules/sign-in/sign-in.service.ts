import type { Context } from '../../core/context';
import { idOf } from '../../core/global-id';
import { withTransaction } from '../../db/transaction';
import { emit } from '../../events/outbox';
import { mergeGuestCart } from '../carts';
import { createCustomer, customerByCredentials, giveSignUpConsents, type ConsentKind, type Customer } from '../customers';
import { Validator } from '../../core/validate';
import { loginAttempt } from './login-throttle';
import { sendOneTimeToken } from './one-time-token';
import { openSession } from './session.service';
import type { CustomerLoginInput, CustomerSignUpInput } from './sign-in.inputs';

export const MAX_EMAIL_LENGTH = 254;
export const MAX_PASSWORD_LENGTH = 200;

interface GuestState {
  cartId?: string | null;
  visitorId?: string | null;
  /** Sign-up only: consents ticked on the form. */
  consents?: ConsentKind[] | null;
}

/**
 * Signing in is its own use case above customers and carts: the account comes from customers, the
 * guest cart it brings along goes to carts (adopted or merged); a malformed or stale cart id is ignored.
 * In the same transaction `customer.signed_in` names the guest's verified visitor id, so modules above
 * (personalization: the guest's touchpoints) bring their guest state along without sign-in knowing them;
 * a forged or foreign visitor id is ignored like a stale cart id.
 * Each sign-in opens a session: a short-lived access token and a rotating refresh token.
 */
async function signIn(ctx: Context, customer: Customer, guest: GuestState, signedUp: boolean) {
  const guestCart = guest.cartId ? idOf(guest.cartId, 'Cart') : null;
  const visitorId = guest.visitorId ? ctx.tokens.verifyVisitorId(guest.visitorId) : null;
  await withTransaction(ctx, async (tx) => {
    if (signedUp && guest.consents?.length) await giveSignUpConsents(tx, customer.uuid, guest.consents);
    if (guestCart) await mergeGuestCart(tx, guestCart, customer.uuid);
    await emit(tx, 'customer.signed_in', { customerId: customer.uuid, visitorId, signedUp });
  });
  return { customer, customerAccessToken: await openSession(ctx, customer.uuid) };
}

export async function signUp(ctx: Context, input: CustomerSignUpInput) {
  const customer = await createCustomer(ctx, input);
  await sendOneTimeToken(ctx, 'email_verify', { id: customer.uuid, email: customer.email, name: customer.name, locale: customer.locale });
  return signIn(ctx, customer, input, true);
}

export async function logIn(ctx: Context, input: CustomerLoginInput) {
  const v = new Validator();
  v.text('email', input.email, { max: MAX_EMAIL_LENGTH });
  v.text('password', input.password, { max: MAX_PASSWORD_LENGTH });
  v.done();
  const attempt = await loginAttempt(ctx, input.email);
  const customer = await customerByCredentials(ctx, input.email, input.password);
  await attempt.succeeded();
  return signIn(ctx, customer, input, false);
}
