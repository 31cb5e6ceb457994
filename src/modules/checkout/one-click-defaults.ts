import type { AddressData } from '../../core/address';
import type { Context } from '../../core/context';
import { newPayment, openPaymentSql, type OpenPayment } from '../payments';
import { replayedCheckout } from './place-orders';
import type { CheckoutRow } from './checkout.rows';
import { preparedQuery } from '../../db/prepared-query';

export interface OneClickDefaults {
  /** The checkout already made with this key and request (a retry); a userError when made for another request. */
  replayed: CheckoutRow | null;
  method: { provider: string; token: string } | null;
  address: AddressData | null;
  /** The purchase's payment (step 1, openPayment), opened by the same statement when it can go ahead; else null. */
  opened: OpenPayment | null;
}

/**
 * What buyNow reads before its transaction, in one statement: the checkout already made with the key, the
 * customer's default payment method and default shipping address (each at most one row: unique indexes).
 * Three statements before, the address read inside the transaction (issue 14). Named: parsed and planned once per connection.
 * The same statement opens the purchase's payment (the payments module's openPaymentSql) when there is no such
 * checkout, and a default method of a configured provider and a default address: one round trip fewer.
 */
export async function oneClickDefaults(ctx: Context, customerId: string, key: string, hash: string): Promise<OneClickDefaults> {
  const payment = newPayment(customerId, key);
  const [row]: {
    checkoutId: string | null;
    requestHash: string;
    total: number;
    currency: string;
    createdAt: Date;
    provider: string | null;
    token: string;
    address: AddressData | null;
    opened: number;
  }[] = await preparedQuery(
    ctx.db,
    `WITH d AS (
       SELECT k.id AS "checkoutId", k.request_hash AS "requestHash", k.total, k.currency, k.created_at AS "createdAt", m.provider, m.token,
              CASE WHEN a.id IS NOT NULL THEN json_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
                'region', a.region, 'postalCode', a.postal_code, 'country', a.country, 'phone', a.phone) END AS address
         FROM (SELECT) one
         LEFT JOIN checkout k ON k.customer_id = $1 AND k.idempotency_key = $2
         LEFT JOIN payment_method m ON m.customer_id = $1 AND m.is_default
         LEFT JOIN customer_address a ON a.customer_id = $1 AND a.is_default_shipping),
     opened AS (${openPaymentSql(
       { id: '$3', customerId: '$1', idempotencyKey: '$2', providerKey: '$4', provider: 'd.provider', currency: '$5' },
       'd WHERE d."checkoutId" IS NULL AND d.address IS NOT NULL AND d.provider = ANY($6::text[])',
     )})
     SELECT d.*, (SELECT count(*)::int FROM opened) AS opened FROM d`,
    [customerId, key, payment.id, payment.providerKey, ctx.config.currency, [...ctx.payments.keys()]],
  );
  const r = row!;
  const replayedId = replayedCheckout(r.checkoutId === null ? undefined : { id: r.checkoutId, requestHash: r.requestHash }, hash);
  return {
    replayed: replayedId ? { id: replayedId, customerId, total: r.total, currency: r.currency, createdAt: r.createdAt } : null,
    method: r.provider === null ? null : { provider: r.provider, token: r.token },
    address: r.address,
    opened: r.opened ? { ...payment, provider: ctx.payments.get(r.provider!)! } : null,
  };
}
