import { createHash, randomBytes } from 'node:crypto';
import { requireCustomer } from '../../auth/guards';
import type { Context, TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { withTransaction } from '../../db/transaction';
import { bumpTokenVersion, customerForSignIn } from '../customers';
import type { CustomerAccessTokenRenewInput, CustomerLogoutInput } from './sign-in.inputs';

/**
 * Sessions: a sign-in opens one, a refresh-token family. Each renewal spends the refresh token and
 * issues the next; a spent one presented again means it was stolen (or the client is broken), so the
 * whole family ends (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). Refresh tokens are stored as SHA-256:
 * they have 256 random bits, so no slow hash is needed.
 */

const REFRESH_PREFIX = 'zrt_';
const MAX_TOKEN_LENGTH = 200;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const randomToken = (prefix: string) => prefix + randomBytes(32).toString('base64url');

export interface IssuedTokens {
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

async function accessToken(ctx: Context, customerId: string, sessionId: string, version: number, refreshToken: string, sessionEnds: Date): Promise<IssuedTokens> {
  const { token, expiresAt } = await ctx.tokens.issueCustomerToken({ customerId, sessionId, version });
  return { accessToken: token, expiresAt, refreshToken, refreshTokenExpiresAt: sessionEnds };
}

// Now and then a sign-in also deletes sessions over for a day, with their refresh tokens (ON DELETE CASCADE).
function pruneNowAndThen(ctx: Context): void {
  if (Math.random() >= 0.01) return;
  ctx.db.query(`DELETE FROM customer_session WHERE expires_at < now() - interval '1 day'`).catch(() => undefined);
}

/** A new session for a customer whose credentials were just checked; a NOT_FOUND userError when the account is gone. */
export async function openSession(ctx: Context, customerId: string): Promise<IssuedTokens> {
  pruneNowAndThen(ctx);
  const refreshToken = randomToken(REFRESH_PREFIX);
  const [row] = await (ctx.tx ?? ctx.db).query(
    `WITH c AS (SELECT id, token_version FROM customer WHERE id = $1 AND erased_at IS NULL),
          s AS (INSERT INTO customer_session (customer_id, expires_at)
                SELECT id, now() + make_interval(days => $2) FROM c RETURNING id, expires_at)
     INSERT INTO customer_refresh_token (token_hash, session_id) SELECT $3, id FROM s
     RETURNING session_id AS "sessionId", (SELECT expires_at FROM s) AS "expiresAt", (SELECT token_version FROM c) AS version`,
    [customerId, ctx.config.sessionTtlDays, sha256(refreshToken)],
  );
  if (!row) fail(null, 'This account no longer exists.', ErrorCode.NOT_FOUND);
  return accessToken(ctx, customerId, row.sessionId, row.version, refreshToken, row.expiresAt);
}

const badRefreshToken = () => fail(['input', 'refreshToken'], 'The refresh token is invalid, expired or revoked; sign in again.', ErrorCode.INVALID_CREDENTIALS);

/** `customerAccessTokenRenew`: spends the refresh token for a new access token and the next refresh token. */
export async function renewSession(ctx: Context, input: CustomerAccessTokenRenewInput) {
  if (input.refreshToken.length > MAX_TOKEN_LENGTH || !input.refreshToken.startsWith(REFRESH_PREFIX)) return badRefreshToken();
  const next = randomToken(REFRESH_PREFIX);
  const outcome = await withTransaction(ctx, async ({ tx }) => {
    const [row] = await tx.query(
      `SELECT t.session_id AS "sessionId", t.used_at IS NOT NULL AS spent, s.customer_id AS "customerId", s.expires_at AS "expiresAt",
              s.revoked_at IS NULL AND s.expires_at > now() AS live, c.token_version AS version, c.erased_at IS NULL AS active
         FROM customer_refresh_token t JOIN customer_session s ON s.id = t.session_id JOIN customer c ON c.id = s.customer_id
        WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
      [sha256(input.refreshToken)],
    );
    if (!row?.live || !row.active) return null;
    if (row.spent) {
      await tx.query(`UPDATE customer_session SET revoked_at = now(), revoked_reason = 'refresh token reused' WHERE id = $1`, [row.sessionId]);
      ctx.log.warn({ sessionId: row.sessionId }, 'a spent refresh token was presented again: its session is revoked');
      return null;
    }
    await tx.query('UPDATE customer_refresh_token SET used_at = now() WHERE token_hash = $1', [sha256(input.refreshToken)]);
    await tx.query('INSERT INTO customer_refresh_token (token_hash, session_id) VALUES ($1, $2)', [sha256(next), row.sessionId]);
    return row as { sessionId: string; customerId: string; expiresAt: Date; version: number };
  });
  if (!outcome) return badRefreshToken();
  const customer = await customerForSignIn(ctx, outcome.customerId);
  const customerAccessToken = await accessToken(ctx, outcome.customerId, outcome.sessionId, outcome.version, next, outcome.expiresAt);
  return { customer: customer ?? undefined, customerAccessToken };
}

/** Ends every open session of the customer (all their refresh tokens); the number ended. */
export async function endAllSessions(ctx: TxContext, customerId: string, reason: string): Promise<number> {
  // TypeORM answers an UPDATE with [rows, affected].
  const [, ended]: [unknown[], number] = await ctx.tx.query(
    'UPDATE customer_session SET revoked_at = now(), revoked_reason = $2 WHERE customer_id = $1 AND revoked_at IS NULL',
    [customerId, reason],
  );
  return ended;
}

/** `customerLogout`: ends the session of the access token sent, or of the refresh token given. */
export async function logOut(ctx: Context, input: CustomerLogoutInput | null | undefined) {
  const refreshToken = input?.refreshToken;
  if (refreshToken != null) {
    if (refreshToken.length > MAX_TOKEN_LENGTH) return badRefreshToken();
    const [, ended]: [unknown[], number] = await ctx.db.query(
      `UPDATE customer_session s SET revoked_at = now(), revoked_reason = 'logout'
         FROM customer_refresh_token t WHERE t.token_hash = $1 AND s.id = t.session_id AND s.revoked_at IS NULL`,
      [sha256(refreshToken)],
    );
    return { endedSessions: ended };
  }
  const customerId = requireCustomer(ctx.viewer);
  const sessionId = ctx.viewer.kind === 'customer' ? ctx.viewer.sessionId : undefined;
  if (!sessionId) return { endedSessions: 0 };
  const [, ended]: [unknown[], number] = await ctx.db.query(
    `UPDATE customer_session SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND customer_id = $2 AND revoked_at IS NULL`,
    [sessionId, customerId],
  );
  return { endedSessions: ended };
}

/** `customerLogoutEverywhere`: every session ends and every access token issued so far is refused at once. */
export async function logOutEverywhere(ctx: Context) {
  const customerId = requireCustomer(ctx.viewer);
  return withTransaction(ctx, async (ctx) => {
    await bumpTokenVersion(ctx, customerId);
    return { endedSessions: await endAllSessions(ctx, customerId, 'logout everywhere') };
  });
}

/** Erasure (GDPR art. 17): the customer's sessions and one-time tokens go. */
export async function eraseSessions(ctx: TxContext, customerId: string): Promise<void> {
  await ctx.tx.query('DELETE FROM customer_session WHERE customer_id = $1', [customerId]);
  await ctx.tx.query('DELETE FROM customer_one_time_token WHERE customer_id = $1', [customerId]);
}
