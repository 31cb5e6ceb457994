import type { Context } from '../../core/context';
import { hashPassword } from '../../auth/passwords';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { uniqueViolation } from '../../db/pg-errors';
import { CustomerEntity } from './customer.entity';
import { toCustomer } from './customer.rows';
import type { Customer } from './customer.type';


export interface NewCustomer {
  email: string;
  password: string;
  name: string;
  locale?: string;
}

/** Creates an account (not signed in: see the sign-in module); userErrors name the input's fields. */
export async function createCustomer(ctx: Context, input: NewCustomer): Promise<Customer> {
  const v = new Validator();
  const email = input.email.trim();
  v.email('email', email);
  v.check(input.password.length >= 10 && input.password.length <= 200, 'password', 'password must have 10 to 200 characters.');
  v.text('name', input.name, { max: 120 });
  v.check((input.locale ?? 'en').length <= 6 && /^[a-z]{2,3}(-[A-Z]{2})?$/.test(input.locale ?? 'en'), 'locale', 'locale must look like "es" or "es-ES".');
  v.done();
  const entity = ctx.db.getRepository(CustomerEntity).create({
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password, ctx.config.passwordHashing),
    locale: input.locale ?? 'en',
  });
  try {
    await ctx.db.getRepository(CustomerEntity).save(entity);
  } catch (err) {
    if (uniqueViolation(err) !== null) fail('email', 'An account with this email exists; log in instead.', ErrorCode.TAKEN);
    throw err;
  }
  return toCustomer(entity);
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
