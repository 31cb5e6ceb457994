import type { Context } from '../../core/context';
import { requireCustomer } from '../../auth/guards';
import { Validator } from '../../core/validate';
import { ErrorCode } from '../../core/errors';
import { normalizeVatNumber, VAT_NUMBER_MAX, vatNumberCountry } from '../../core/vat-number';
import { CustomerEntity } from './customer.entity';
import { toCustomer } from './customer.rows';
import type { CustomerUpdateInput } from './profile.inputs';

export const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export async function updateCustomer(ctx: Context, input: CustomerUpdateInput) {
  const customerId = requireCustomer(ctx.viewer);
  const v = new Validator();
  if (input.name != null) v.text('name', input.name, { max: 120 });
  if (input.locale != null) v.check(input.locale.length <= 6 && LOCALE.test(input.locale), 'locale', 'locale must look like "es" or "es-ES".');
  const vatNumber = input.vatNumber == null ? undefined : normalizeVatNumber(input.vatNumber);
  if (input.vatNumber != null) {
    v.check(input.vatNumber.length <= VAT_NUMBER_MAX, 'vatNumber', `vatNumber must be at most ${VAT_NUMBER_MAX} characters.`, ErrorCode.TOO_LONG);
    v.check(
      input.vatNumber.length > VAT_NUMBER_MAX || vatNumber === '' || vatNumberCountry(vatNumber!) !== null,
      'vatNumber',
      'vatNumber is not a valid EU VAT number: a country prefix (e.g. ES, DE, EL for Greece) and that country\'s digits.',
    );
  }
  v.done();
  const repo = ctx.db.getRepository(CustomerEntity);
  const changes: Partial<CustomerEntity> = { updatedAt: new Date() };
  if (input.name != null) changes.name = input.name.trim();
  if (input.locale != null) changes.locale = input.locale;
  if (vatNumber !== undefined) changes.vatNumber = vatNumber || null;
  await repo.update({ id: customerId }, changes);
  return { customer: toCustomer(await repo.findOneByOrFail({ id: customerId })) };
}
