import type { Context } from '../../core/context';
import { withTransaction } from '../../db/transaction';
import { requireCustomer } from '../../auth/guards';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import type { CustomerEraseInput } from './profile.inputs';

/**
 * Everything held about the customer, as JSON (GDPR art. 15 access, art. 20 portability). Payment
 * methods are listed by brand and last digits: the provider's tokens are credentials, not data about them.
 */
export async function exportCustomerData(ctx: Context) {
  const customerId = requireCustomer(ctx.viewer);
  const q = (sql: string) => ctx.db.query(sql, [customerId]);
  const [profile] = await q('SELECT id, email, name, locale, created_at AS "createdAt" FROM customer WHERE id = $1');
  const [addresses, paymentMethods, consents, carts, orders, invoices] = await Promise.all([
    q(`SELECT name, line1, line2, city, region, postal_code AS "postalCode", country, phone,
              is_default_shipping AS "isDefaultShipping", is_default_billing AS "isDefaultBilling", created_at AS "createdAt"
         FROM customer_address WHERE customer_id = $1 ORDER BY created_at`),
    q(`SELECT provider, brand, last4, exp_month AS "expMonth", exp_year AS "expYear", is_default AS "isDefault"
         FROM payment_method WHERE customer_id = $1 ORDER BY created_at`),
    q(`SELECT kind, granted, source, updated_at AS "updatedAt" FROM customer_consent WHERE customer_id = $1 ORDER BY kind`),
    q(`SELECT c.id, c.status, c.email, c.shipping_address AS "shippingAddress", c.created_at AS "createdAt",
              coalesce(json_agg(json_build_object('listingId', l.listing_id, 'quantity', l.quantity)) FILTER (WHERE l.id IS NOT NULL), '[]') AS lines
         FROM cart c LEFT JOIN cart_line l ON l.cart_id = c.id WHERE c.customer_id = $1 GROUP BY c.id ORDER BY c.created_at`),
    q(`SELECT o.id, s.name AS seller, o.state, o.currency, o.total, o.shipping_address AS "shippingAddress", o.placed_at AS "placedAt",
              (SELECT json_agg(json_build_object('title', ol.title, 'variant', ol.variant_title, 'quantity', ol.quantity, 'unitPrice', ol.unit_price) ORDER BY ol.position)
                 FROM order_line ol WHERE ol.order_id = o.id) AS lines
         FROM orders o JOIN seller s ON s.id = o.seller_id WHERE o.customer_id = $1 ORDER BY o.placed_at`),
    q(`SELECT number, kind, issued_at AS "issuedAt", currency, net, tax, gross FROM invoice WHERE customer_id = $1 ORDER BY issued_at`),
  ]);
  return { data: { exportedAt: new Date().toISOString(), profile, addresses, paymentMethods, consents, carts, orders, invoices } };
}

/**
 * GDPR art. 17 erasure. Personal data is deleted or pseudonymised; invoices are kept unchanged
 * because tax law requires them (Ley General Tributaria art. 29, RD 1619/2012 art. 19: kept for the
 * limitation period, art. 17(3)(b) GDPR). Refused while orders are still open: their sellers need the
 * address to deliver.
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
              password_hash = 'erased', locale = 'en', erased_at = now(), updated_at = now() WHERE id = $1`,
      [customerId],
    );
    await tx.query('DELETE FROM customer_address WHERE customer_id = $1', [customerId]);
    await tx.query('DELETE FROM payment_method WHERE customer_id = $1', [customerId]);
    await tx.query('DELETE FROM customer_consent WHERE customer_id = $1', [customerId]);
    await tx.query(`DELETE FROM cart_line WHERE cart_id IN (SELECT id FROM cart WHERE customer_id = $1)`, [customerId]);
    await tx.query(`UPDATE cart SET email = NULL, shipping_address = NULL, status = 'completed' WHERE customer_id = $1`, [customerId]);
    // Orders keep what bookkeeping and statistics need (country, postcode), not who or where exactly.
    await tx.query(
      `UPDATE orders SET shipping_address = jsonb_build_object('name', 'Erased customer', 'country', shipping_address->>'country',
              'postalCode', shipping_address->>'postalCode', 'line1', '', 'line2', NULL, 'city', '', 'region', NULL, 'phone', NULL)
        WHERE customer_id = $1`,
      [customerId],
    );
    await emit(ctx, 'customer.erased', { customerId });
    return { erased: true };
  });
}
