import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { requireCustomer } from '../../auth/guards';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { PaymentMethodEntity } from './profile.entity';
import { toPaymentMethod } from './profile.rows';
import type { PaymentMethod } from './profile.type';
import type { PaymentMethodAddInput } from './profile.inputs';

export async function listPaymentMethods(ctx: Context, customerId: string): Promise<PaymentMethod[]> {
  const rows = await ctx.db.getRepository(PaymentMethodEntity).find({ where: { customerId }, order: { createdAt: 'ASC' } });
  return rows.map(toPaymentMethod);
}

/** The customer's own payment method by global ID (in ctx's transaction, if any); NOT_FOUND for anyone else's. */
export async function ownPaymentMethod(ctx: Context, customerId: string, globalId: string, field: string[]): Promise<PaymentMethodEntity> {
  const id = idOf(globalId, 'PaymentMethod');
  if (!id) fail(field, 'Not a valid PaymentMethod ID.', ErrorCode.INVALID_ID);
  const method = await (ctx.tx ?? ctx.db.manager).findOneBy(PaymentMethodEntity, { id, customerId });
  if (!method) fail(field, 'Payment method not found.', ErrorCode.NOT_FOUND);
  return method;
}

async function makeDefault({ tx }: TxContext, method: PaymentMethodEntity): Promise<void> {
  await tx.update(PaymentMethodEntity, { customerId: method.customerId, isDefault: true }, { isDefault: false });
  method.isDefault = true;
}

export async function addPaymentMethod(ctx: Context, input: PaymentMethodAddInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  v.text('token', input.token, { max: 200 });
  const provider = ctx.payments.get(input.provider);
  v.check(Boolean(provider), 'provider', `Unknown payment provider "${input.provider}".`, ErrorCode.NOT_FOUND);
  v.done();
  const card = await provider!.describe(input.token);
  if (!card) fail('token', 'The payment provider does not know this token.', ErrorCode.INVALID);
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    await tx.query('SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE', [customerId]);
    const count = await tx.count(PaymentMethodEntity, { where: { customerId } });
    const method = tx.create(PaymentMethodEntity, { customerId, provider: input.provider, token: input.token, ...card });
    if (input.makeDefault || count === 0) await makeDefault(ctx, method);
    await tx.save(method);
    return { paymentMethod: toPaymentMethod(method) };
  });
}

export async function setDefaultPaymentMethod(ctx: Context, globalId: string) {
  const customerId = requireCustomer(ctx.viewer);
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    await tx.query('SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE', [customerId]);
    const method = await ownPaymentMethod(ctx, customerId, globalId, ['input', 'id']);
    await makeDefault(ctx, method);
    await tx.save(method);
    return { paymentMethod: toPaymentMethod(method) };
  });
}

export async function removePaymentMethod(ctx: Context, globalId: string) {
  const customerId = requireCustomer(ctx.viewer);
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const method = await ownPaymentMethod(ctx, customerId, globalId, ['input', 'id']);
    await tx.delete(PaymentMethodEntity, { id: method.id });
    return { removedId: globalId };
  });
}
