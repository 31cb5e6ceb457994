import type { Context, TxContext } from '../../core/context';
import type { AccountNotification } from '../../core/notifications';
import { randomToken, sha256 } from './session.service';

/**
 * One-time tokens of account messages: 256 random bits, stored as SHA-256, spent on first use, with a
 * deadline. A new message replaces the customer's previous token of its kind.
 */
type Purpose = 'password_reset' | 'email_verify';

const SETTINGS: Record<Purpose, { prefix: string; ttlMinutes: number; kind: AccountNotification['kind'] }> = {
  password_reset: { prefix: 'zpr_', ttlMinutes: 60, kind: 'password_reset' },
  email_verify: { prefix: 'zev_', ttlMinutes: 7 * 24 * 60, kind: 'email_verification' },
};

export const MAX_ONE_TIME_TOKEN_LENGTH = 200;

/** Creates the token and sends it; a failed delivery is logged, never the request's failure. */
export async function sendOneTimeToken(
  ctx: Context,
  purpose: Purpose,
  customer: { id: string; email: string; name: string; locale: string },
): Promise<void> {
  const { prefix, ttlMinutes, kind } = SETTINGS[purpose];
  const token = randomToken(prefix);
  const [row] = await ctx.db.query(
    `WITH gone AS (DELETE FROM customer_one_time_token WHERE customer_id = $1 AND purpose = $2)
     INSERT INTO customer_one_time_token (token_hash, customer_id, purpose, expires_at)
     VALUES ($3, $1, $2, now() + make_interval(mins => $4)) RETURNING expires_at AS "expiresAt"`,
    [customer.id, purpose, sha256(token), ttlMinutes],
  );
  try {
    await ctx.notifications.send({ kind, to: customer.email, name: customer.name, locale: customer.locale, token, expiresAt: row.expiresAt });
  } catch (err) {
    ctx.log.error({ err, kind, customerId: customer.id }, 'an account notification could not be sent');
  }
}

/** Spends a token: its customer, or null for an unknown, spent or expired one. */
export async function spendOneTimeToken(ctx: TxContext, purpose: Purpose, token: string): Promise<string | null> {
  if (token.length > MAX_ONE_TIME_TOKEN_LENGTH || !token.startsWith(SETTINGS[purpose].prefix)) return null;
  // TypeORM answers an UPDATE … RETURNING with [rows, affected].
  const [[row]]: [{ customerId: string }[], number] = await ctx.tx.query(
    `UPDATE customer_one_time_token t SET used_at = now() FROM customer c
      WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()
        AND c.id = t.customer_id AND c.erased_at IS NULL
      RETURNING t.customer_id AS "customerId"`,
    [sha256(token), purpose],
  );
  return row?.customerId ?? null;
}
