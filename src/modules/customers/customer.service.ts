import type { Context } from '../../server/context';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { UserErrors, fail, userError } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { uniqueViolation } from '../../db/pg-errors';
import { mergeGuestCart } from '../carts';
import { CustomerEntity } from './customer.entity';
import { toCustomer, type Customer } from './customer.type';
import type { CustomerLoginInput, CustomerSignUpInput } from './customer.inputs';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Compared against when the email is unknown, so a miss costs the same time as a wrong password.
const DUMMY_HASH = 'scrypt$16384$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A guest cart given at sign-in joins the account (carts' mergeGuestCart); a malformed or stale id is ignored. */
async function takeGuestCart(ctx: Context, cartId: string | undefined, customerId: string): Promise<void> {
  const guestCart = cartId ? idOf(cartId, 'Cart') : null;
  if (!guestCart) return;
  await ctx.db.transaction((tx) => mergeGuestCart(ctx, tx, guestCart, customerId));
  ctx.events.kick();
}

async function session(ctx: Context, entity: CustomerEntity) {
  const { token, expiresAt } = await ctx.tokens.issueCustomerToken(entity.id);
  return { customer: toCustomer(entity), customerAccessToken: { accessToken: token, expiresAt } };
}

export async function signUp(ctx: Context, input: CustomerSignUpInput) {
  const v = new Validator();
  const email = input.email.trim();
  v.check(EMAIL.test(email) && email.length <= 254, 'email', 'email is not a valid address.');
  v.check(input.password.length >= 10 && input.password.length <= 200, 'password', 'password must have 10 to 200 characters.');
  v.text('name', input.name, { max: 120 });
  v.check(/^[a-z]{2,3}(-[A-Z]{2})?$/.test(input.locale ?? 'en'), 'locale', 'locale must look like "es" or "es-ES".');
  v.done();
  const entity = ctx.db.getRepository(CustomerEntity).create({
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password),
    locale: input.locale ?? 'en',
  });
  try {
    await ctx.db.getRepository(CustomerEntity).save(entity);
  } catch (err) {
    if (uniqueViolation(err) !== null) fail('email', 'An account with this email exists; log in instead.', ErrorCode.TAKEN);
    throw err;
  }
  await takeGuestCart(ctx, input.cartId, entity.id);
  return session(ctx, entity);
}

export async function logIn(ctx: Context, input: CustomerLoginInput) {
  const entity = await ctx.db
    .getRepository(CustomerEntity)
    .createQueryBuilder('c')
    .where('lower(c.email) = lower(:email)', { email: input.email.trim() })
    .getOne();
  const ok = await verifyPassword(input.password, entity?.passwordHash ?? DUMMY_HASH);
  if (!entity || !ok) throw new UserErrors([userError(null, 'Wrong email or password.', ErrorCode.INVALID_CREDENTIALS)]);
  await takeGuestCart(ctx, input.cartId, entity.id);
  return session(ctx, entity);
}

export async function viewerCustomer(ctx: Context): Promise<Customer | null> {
  if (ctx.viewer.kind !== 'customer') return null;
  const entity = await ctx.db.getRepository(CustomerEntity).findOneBy({ id: ctx.viewer.customerId });
  return entity ? toCustomer(entity) : null;
}

/** Customers are visible only to themselves and the operator. */
export async function findCustomer(ctx: Context, id: string): Promise<Customer | null> {
  const self = ctx.viewer.kind === 'customer' && ctx.viewer.customerId === id;
  if (!self && ctx.viewer.kind !== 'admin') return null;
  const entity = await ctx.db.getRepository(CustomerEntity).findOneBy({ id });
  return entity ? toCustomer(entity) : null;
}
