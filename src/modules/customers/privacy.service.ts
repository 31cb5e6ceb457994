import type { Context } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { requireCustomer } from '../../auth/guards';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import type { CustomerEraseInput } from './profile.inputs';

/**
 * Everything held about the customer, as JSON (GDPR art. 15 access, art. 20 portability): the profile
 * here, then each module's part under its name and each plugin's under `plugins`, from their privacy
 * hooks. Payment methods are listed by brand and last digits: the provider's tokens are credentials,
 * not data about them.
 */
export async function exportCustomerData(ctx: Context) {
  const customerId = requireCustomer(ctx.viewer);
  const q = (sql: string) => ctx.db.query(sql, [customerId]);
  const [profile] = await q('SELECT id, email, name, locale, vat_number AS "vatNumber", created_at AS "createdAt" FROM customer WHERE id = $1');
  const [addresses, paymentMethods, consents, parts] = await Promise.all([
    q(`SELECT name, line1, line2, city, region, postal_code AS "postalCode", country, phone,
              is_default_shipping AS "isDefaultShipping", is_default_billing AS "isDefaultBilling", created_at AS "createdAt"
         FROM customer_address WHERE customer_id = $1 ORDER BY created_at`),
    q(`SELECT provider, brand, last4, exp_month AS "expMonth", exp_year AS "expYear", is_default AS "isDefault"
         FROM payment_method WHERE customer_id = $1 ORDER BY created_at`),
    q(`SELECT kind, granted, source, updated_at AS "updatedAt" FROM customer_consent WHERE customer_id = $1 ORDER BY kind`),
    Promise.all(ctx.privacy.map(async (p) => ({ ...p, data: p.export ? await p.export(ctx, customerId) : undefined }))),
  ]);
  const data: Record<string, unknown> = { exportedAt: new Date().toISOString(), profile, addresses, paymentMethods, consents };
  const plugins: Record<string, unknown> = {};
  for (const part of parts) {
    if (part.data === undefined) continue;
    if (part.plugin) plugins[part.name] = part.data;
    else data[part.name] = part.data;
  }
  return { data: { ...data, plugins } };
}

/**
 * GDPR art. 17 erasure. Personal data is deleted or pseudonymised: the customer's own rows here, every
 * other module's and plugin's through its privacy hook, all in one transaction (invoices are kept, see
 * invoices/invoice.privacy.ts). Refused while orders are still open: their sellers need the address to deliver.
 */
export async function eraseCustomer(ctx: Context, input: CustomerEraseInput) {
  const customerId = requireCustomer(ctx.viewer);
  return withTransaction(ctx, async (ctx) => {
    const { tx } = ctx;
    const [customer] = await tx.query('SELECT email FROM customer WHERE id = $1 AND erased_at IS NULL FOR NO KEY UPDATE', [customerId]);
    if (!customer) fail(null, 'Customer not found.', ErrorCode.NOT_FOUND);
    if (customer.email.toLowerCase() !== input.confirmEmail.trim().toLowerCase()) {
      fail('confirmEmail', 'Type your email to confirm the erasure.', ErrorCode.INVALID);
    }
    const [{ open }] = await tx.query(
      `SELECT count(*)::int AS open FROM orders WHERE customer_id = $1 AND state IN ('placed', 'paid', 'fulfilled')`,
      [customerId],
    );
    if (open > 0) fail(null, `You have ${open} orders on their way; erase your data once they are delivered or cancelled.`, ErrorCode.INVALID_STATE);
    await tx.query(
      `UPDATE customer SET email = 'erased-' || id || '@erased.invalid', name = 'Erased customer',
              password_hash = 'erased', locale = 'en', vat_number = NULL, erased_at = now(), token_version = token_version + 1,
              email_verified_at = NULL, updated_at = now() WHERE id = $1`,
      [customerId],
    );
    await tx.query('DELETE FROM customer_address WHERE customer_id = $1', [customerId]);
    await tx.query('DELETE FROM payment_method WHERE customer_id = $1', [customerId]);
    await tx.query('DELETE FROM customer_consent WHERE customer_id = $1', [customerId]);
    // One after another: they share the transaction's connection.
    for (const part of ctx.privacy) await part.erase?.(ctx, customerId);
    await emit(ctx, 'customer.erased', { customerId });
    return { erased: true };
  });
}
