import type { Context, TxContext } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { requireCustomer } from '../../auth/guards';
import { validateAddress } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { idOf } from '../../core/global-id';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { CustomerAddressEntity } from './profile.entity';
import { toCustomerAddress } from './profile.rows';
import type { CustomerAddress } from './profile.type';
import type { CustomerAddressCreateInput, CustomerAddressUpdateInput } from './profile.inputs';

const MAX_ADDRESSES = 50;

export async function listAddresses(ctx: Context, customerId: string): Promise<CustomerAddress[]> {
  const rows = await ctx.db.getRepository(CustomerAddressEntity).find({ where: { customerId }, order: { createdAt: 'ASC' } });
  return rows.map(toCustomerAddress);
}

/** The customer's own address by global ID, locked; NOT_FOUND for anyone else's. */
export async function ownAddress({ tx }: TxContext, customerId: string, globalId: string, field: string[]): Promise<CustomerAddressEntity> {
  const id = idOf(globalId, 'CustomerAddress');
  if (!id) fail(field, 'Not a valid CustomerAddress ID.', ErrorCode.INVALID_ID);
  const address = await tx.findOne(CustomerAddressEntity, { where: { id, customerId }, lock: { mode: 'pessimistic_write' } });
  if (!address) fail(field, 'Address not found.', ErrorCode.NOT_FOUND);
  return address;
}

async function setDefaults({ tx }: TxContext, address: CustomerAddressEntity, shipping: boolean, billing: boolean) {
  // The partial unique indexes allow one default of each kind: clear the old one first.
  if (shipping) {
    await tx.update(CustomerAddressEntity, { customerId: address.customerId, isDefaultShipping: true }, { isDefaultShipping: false });
    address.isDefaultShipping = true;
  }
  if (billing) {
    await tx.update(CustomerAddressEntity, { customerId: address.customerId, isDefaultBilling: true }, { isDefaultBilling: false });
    address.isDefaultBilling = true;
  }
}

export async function createAddress(ctx: Context, input: CustomerAddressCreateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  const data = validateAddress(v, 'address', input.address);
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    // Serialises a customer's address changes, so "first address becomes default" holds under concurrency.
    await tx.query('SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE', [customerId]);
    const count = await tx.count(CustomerAddressEntity, { where: { customerId } });
    if (count >= MAX_ADDRESSES) fail('address', `At most ${MAX_ADDRESSES} addresses.`, ErrorCode.INVALID);
    const address = tx.create(CustomerAddressEntity, { ...data, customerId });
    await setDefaults(ctx, address, input.defaultShipping || count === 0, input.defaultBilling || count === 0);
    await tx.save(address);
    return { address: toCustomerAddress(address) };
  });
}

export async function updateAddress(ctx: Context, input: CustomerAddressUpdateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  const data = input.address ? validateAddress(v, 'address', input.address) : undefined;
  v.done();
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const address = await ownAddress(ctx, customerId, input.id, ['input', 'id']);
    if (data) Object.assign(address, data);
    await setDefaults(ctx, address, input.defaultShipping === true, input.defaultBilling === true);
    if (input.defaultShipping === false) address.isDefaultShipping = false;
    if (input.defaultBilling === false) address.isDefaultBilling = false;
    await tx.save(address);
    return { address: toCustomerAddress(address) };
  });
}

export async function deleteAddress(ctx: Context, globalId: string) {
  const customerId = requireCustomer(ctx.viewer);
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const address = await ownAddress(ctx, customerId, globalId, ['input', 'id']);
    await tx.delete(CustomerAddressEntity, { id: address.id });
    return { deletedId: globalId };
  });
}
