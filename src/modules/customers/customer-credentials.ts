import { dummyHash, hashPassword, verifyPassword, type ScryptParams } from '../../auth/passwords';
import type { Context, TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { UserErrors, userError } from '../../core/user-error';
import { CustomerEntity } from './customer.entity';
import { toCustomer } from './customer.rows';
import type { Customer } from './customer.type';

/**
 * The customer row's credentials (password hash, token version, verified email): the sign-in module's
 * use cases change them only through these.
 */

const dummies = new Map<string, Promise<string>>();
// Compared against when the email is unknown, so a miss costs the same time as a wrong password.
function dummyFor(params: ScryptParams): Promise<string> {
  const key = `${params.N},${params.r},${params.p}`;
  const known = dummies.get(key);
  if (known) return known;
  const hash = dummyHash(params);
  dummies.set(key, hash);
  return hash;
}

const wrongCredentials = () => new UserErrors([userError(null, 'Wrong email or password.', ErrorCode.INVALID_CREDENTIALS)]);

/**
 * The customer with this email and password; the same userError (and the same time) for a wrong email
 * or password. A hash made with older parameters is replaced now that the password is known.
 */
export async function customerByCredentials(ctx: Context, email: string, password: string): Promise<Customer> {
  const params = ctx.config.passwordHashing;
  const entity = await ctx.db
    .getRepository(CustomerEntity)
    .createQueryBuilder('c')
    .where('lower(c.email) = lower(:email) AND c.erased_at IS NULL', { email: email.trim() })
    .getOne();
  const check = await verifyPassword(password, entity?.passwordHash ?? (await dummyFor(params)), params);
  if (!entity || !check.ok) throw wrongCredentials();
  if (check.needsRehash) {
    await ctx.db.query('UPDATE customer SET password_hash = $2 WHERE id = $1 AND password_hash = $3', [
      entity.id,
      await hashPassword(password, params),
      entity.passwordHash,
    ]);
  }
  return toCustomer(entity);
}

/** Whether `password` is the customer's current one (for a password change). */
export async function passwordMatches(ctx: Context, customerId: string, password: string): Promise<boolean> {
  const [row] = await ctx.db.query('SELECT password_hash AS hash FROM customer WHERE id = $1 AND erased_at IS NULL', [customerId]);
  return (await verifyPassword(password, row?.hash ?? (await dummyFor(ctx.config.passwordHashing)), ctx.config.passwordHashing)).ok;
}

/** The account a verified credential names (a session, a one-time token); null once erased. */
export async function customerForSignIn(ctx: Context, customerId: string): Promise<Customer | null> {
  const entity = await (ctx.tx ?? ctx.db)
    .getRepository(CustomerEntity)
    .createQueryBuilder('c')
    .where('c.id = :customerId AND c.erased_at IS NULL', { customerId })
    .getOne();
  return entity ? toCustomer(entity) : null;
}

/** Id, name and locale of the live account with this email, for messages to it. */
export async function customerByEmail(ctx: Context, email: string): Promise<{ id: string; email: string; name: string; locale: string } | null> {
  const [row] = await ctx.db.query('SELECT id, email, name, locale FROM customer WHERE lower(email) = lower($1) AND erased_at IS NULL', [email.trim()]);
  return row ?? null;
}

/** Hash computed before the transaction (scrypt takes a while); `setPassword` stores it and ends every token. */
export function newPasswordHash(ctx: Context, password: string): Promise<string> {
  return hashPassword(password, ctx.config.passwordHashing);
}

/** Stores a new password hash and refuses every access token issued before (token_version + 1). */
export async function setPasswordHash(ctx: TxContext, customerId: string, hash: string, { verifiesEmail = false } = {}): Promise<void> {
  await ctx.tx.query(
    `UPDATE customer SET password_hash = $2, token_version = token_version + 1, updated_at = now(),
            email_verified_at = CASE WHEN $3 THEN coalesce(email_verified_at, now()) ELSE email_verified_at END
      WHERE id = $1`,
    [customerId, hash, verifiesEmail],
  );
}

/** Refuses every access token of the customer issued before now (logout everywhere). */
export async function bumpTokenVersion(ctx: TxContext, customerId: string): Promise<void> {
  await ctx.tx.query('UPDATE customer SET token_version = token_version + 1 WHERE id = $1', [customerId]);
}

export async function markEmailVerified(ctx: TxContext, customerId: string): Promise<void> {
  await ctx.tx.query('UPDATE customer SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1', [customerId]);
}
