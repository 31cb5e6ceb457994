import { requireCustomer } from '../../auth/guards';
import { GraphQLError } from 'graphql';
import { addressKey, rateLimited, recordFailure, throttledAttempt } from '../../auth/throttle';
import type { Context } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { withTransaction } from '../../db/transaction';
import { customerByEmail, customerForSignIn, markEmailVerified, newPasswordHash, passwordMatches, setPasswordHash } from '../customers';
import { loginAttempt } from './login-throttle';
import { MAX_ONE_TIME_TOKEN_LENGTH, sendOneTimeToken, spendOneTimeToken } from './one-time-token';
import { endAllSessions, openSession } from './session.service';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from './sign-in.service';
import type { CustomerEmailVerifyInput, CustomerPasswordChangeInput, CustomerPasswordResetInput, CustomerPasswordResetRequestInput } from './sign-in.inputs';

function checkNewPassword(v: Validator, password: string): void {
  v.check(password.length >= 10 && password.length <= MAX_PASSWORD_LENGTH, 'newPassword', 'newPassword must have 10 to 200 characters.');
}

/**
 * `customerPasswordChange`: the current password is checked (throttled like a login: a stolen access
 * token must not become a password oracle), then every session ends and a new one starts for the caller.
 */
export async function changePassword(ctx: Context, input: CustomerPasswordChangeInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  v.text('currentPassword', input.currentPassword, { max: MAX_PASSWORD_LENGTH });
  checkNewPassword(v, input.newPassword);
  v.done();
  const attempt = await loginAttempt(ctx, `customer:${customerId}`);
  if (!(await passwordMatches(ctx, customerId, input.currentPassword))) {
    fail(['input', 'currentPassword'], 'The current password is wrong.', ErrorCode.INVALID_CREDENTIALS);
  }
  await attempt.succeeded();
  const hash = await newPasswordHash(ctx, input.newPassword);
  return withTransaction(ctx, async (ctx) => {
    await setPasswordHash(ctx, customerId, hash);
    await endAllSessions(ctx, customerId, 'password changed');
    const customer = await customerForSignIn(ctx, customerId);
    return { customer: customer ?? undefined, customerAccessToken: await openSession(ctx, customerId) };
  });
}

const RESET_REQUESTED = 'If an account has this email, a message with a link to choose a new password is on its way.';

/**
 * `customerPasswordResetRequest`: the same answer whether or not the email has an account, so it can't be
 * used to find out. An account gets 3 messages in a row, then each next one waits twice as long (up to an
 * hour); an address asking for many (20) is RATE_LIMITED whatever the emails.
 */
export async function requestPasswordReset(ctx: Context, input: CustomerPasswordResetRequestInput) {
  const v = new Validator();
  v.text('email', input.email, { max: MAX_EMAIL_LENGTH });
  v.done();
  const address = addressKey(ctx.clientAddress ?? 'unknown');
  const wait = await recordFailure(ctx.db, { key: `reset:addr:${address}`, threshold: 20, maxDelaySeconds: 3600 });
  if (wait > 0) throw rateLimited(wait, 'Too many password-reset requests from this address; try again later.');
  // After the answer, so that its timing does not tell either (OWASP Forgot Password Cheat Sheet).
  void sendResetMessage(ctx, input.email).catch((err: unknown) => ctx.log.error({ err }, 'a password-reset request failed'));
  return { message: RESET_REQUESTED };
}

async function sendResetMessage(ctx: Context, email: string): Promise<void> {
  const customer = await customerByEmail(ctx, email);
  if (!customer) return;
  try {
    await throttledAttempt(ctx.db, [{ key: `reset:acct:${customer.id}`, threshold: 3, maxDelaySeconds: 3600 }]);
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions['code'] === 'RATE_LIMITED') return;
    throw err;
  }
  await sendOneTimeToken(ctx, 'password_reset', customer);
}

/** `customerPasswordReset`: spends the token, sets the password, ends every session and signs in. */
export async function resetPassword(ctx: Context, input: CustomerPasswordResetInput) {
  const v = new Validator();
  v.text('token', input.token, { max: MAX_ONE_TIME_TOKEN_LENGTH });
  checkNewPassword(v, input.newPassword);
  v.done();
  const hash = await newPasswordHash(ctx, input.newPassword);
  return withTransaction(ctx, async (ctx) => {
    const customerId = await spendOneTimeToken(ctx, 'password_reset', input.token);
    if (!customerId) return fail(['input', 'token'], 'This reset link is invalid, used or expired; ask for a new one.', ErrorCode.INVALID);
    // Following the link proves the email is theirs.
    await setPasswordHash(ctx, customerId, hash, { verifiesEmail: true });
    await endAllSessions(ctx, customerId, 'password reset');
    await ctx.tx.query('DELETE FROM auth_throttle WHERE key = $1', [`reset:acct:${customerId}`]);
    const customer = await customerForSignIn(ctx, customerId);
    return { customer: customer ?? undefined, customerAccessToken: await openSession(ctx, customerId) };
  });
}

/** `customerEmailVerify`: spends the verification token. */
export async function verifyEmail(ctx: Context, input: CustomerEmailVerifyInput) {
  const v = new Validator();
  v.text('token', input.token, { max: MAX_ONE_TIME_TOKEN_LENGTH });
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const customerId = await spendOneTimeToken(ctx, 'email_verify', input.token);
    if (!customerId) return fail(['input', 'token'], 'This verification link is invalid, used or expired.', ErrorCode.INVALID);
    await markEmailVerified(ctx, customerId);
    return { customer: (await customerForSignIn(ctx, customerId)) ?? undefined };
  });
}
