import type { AddressData } from '../../core/address';
import type { Context } from '../../core/context';
import { replayedCheckout } from './place-orders';
import { preparedQuery } from '../../db/prepared-query';

export interface OneClickDefaults {
  /** The checkout already made with this key and request (a retry); a userError when made for another request. */
  replayedId: string | null;
  method: { provider: string; token: string } | null;
  address: AddressData | null;
}

/**
 * What buyNow reads before its transaction, in one statement: the checkout already made with the key, the
 * customer's default payment method and default shipping address (each at most one row: unique indexes).
 * Three statements before, the address read inside the transaction (issue 14). Named: parsed and planned once per connection.
 */
export async function oneClickDefaults(ctx: Context, customerId: string, key: string, hash: string): Promise<OneClickDefaults> {
  const [row]: { checkoutId: string | null; requestHash: string; provider: string | null; token: string; address: AddressData | null }[] = await preparedQuery(
    ctx.db,
    `SELECT k.id AS "checkoutId", k.request_hash AS "requestHash", m.provider, m.token,
            CASE WHEN a.id IS NOT NULL THEN json_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
              'region', a.region, 'postalCode', a.postal_code, 'country', a.country, 'phone', a.phone) END AS address
       FROM (SELECT) one
       LEFT JOIN checkout k ON k.customer_id = $1 AND k.idempotency_key = $2
       LEFT JOIN payment_method m ON m.customer_id = $1 AND m.is_default
       LEFT JOIN customer_address a ON a.customer_id = $1 AND a.is_default_shipping`,
    [customerId, key],
  );
  return {
    replayedId: replayedCheckout(row!.checkoutId === null ? undefined : { id: row!.checkoutId, requestHash: row!.requestHash }, hash),
    method: row!.provider === null ? null : { provider: row!.provider, token: row!.token },
    address: row!.address,
  };
}
