import { timingSafeEqual } from 'node:crypto';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../db/prepared-query';
import { SELLER_KEY_PREFIX, hashKey } from './api-keys';
import { addressKey, rateLimited, recordFailure, type ThrottleRule } from './throttle';
import type { CustomerTokenClaims, TokenIssuer } from './tokens';
import { admin, guest, type SellerScope, type Viewer } from './viewer';

export interface Authenticator {
  /**
   * The viewer for an `Authorization` header value; null when credentials are present but invalid.
   * `address` is the client's network address: wrong keys from it are throttled (RATE_LIMITED).
   */
  authenticate(authorization: string | undefined | null, address?: string): Promise<Viewer | null>;
}

/** Wrong seller or operator keys from one address: 20, then an exponential delay up to 15 minutes (issue 9). */
export const keyGuessRule = (address: string): ThrottleRule => ({ key: `key:addr:${address}`, threshold: 20, maxDelaySeconds: 900 });

const MAX_BLOCKED_ADDRESSES = 10_000;
/** Token checks answered by one statement (a reconnect storm's connection_inits, concurrent requests). */
const MAX_CHECK_BATCH = 500;

/**
 * Whether each token's customer exists and is not erased, its session is neither revoked nor over, and it
 * carries the customer's current token version: the tokens checked in one turn of the event loop share one
 * statement over the two primary keys (setImmediate: no waiting beyond the I/O already read). Issue 16: a
 * reconnect storm of 10,000 sockets made 10,000 of these at once, queued on the pool before HTTP's queries.
 * Never cached: a revoked session is refused from the next check on.
 */
function createTokenCheck(db: DataSource): DataLoader<CustomerTokenClaims, boolean> {
  return new DataLoader<CustomerTokenClaims, boolean>(
    async (claims) => {
      // Prepared (db/prepared-query.ts): a reconnect storm runs it thousands of times, planned once per connection.
      const rows = await preparedQuery<{ n: string }>(
        db,
        `SELECT k.n FROM unnest($1::uuid[], $2::uuid[], $3::int[]) WITH ORDINALITY AS k(customer_id, session_id, version, n)
           JOIN customer c ON c.id = k.customer_id AND c.erased_at IS NULL AND c.token_version = k.version
           JOIN customer_session s ON s.id = k.session_id AND s.customer_id = c.id AND s.revoked_at IS NULL AND s.expires_at > now()`,
        [claims.map((c) => c.customerId), claims.map((c) => c.sessionId), claims.map((c) => c.version)],
      );
      const good = new Set(rows.map((r) => Number(r.n) - 1));
      return claims.map((_, i) => good.has(i));
    },
    { cache: false, maxBatchSize: MAX_CHECK_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );
}

export function createAuthenticator({ db, tokens, adminKey }: { db: DataSource; tokens: TokenIssuer; adminKey: string }): Authenticator {
  const adminHash = Buffer.from(hashKey(adminKey), 'hex');
  // Addresses in their delay, known to this instance: refused before any lookup, right or wrong key, so
  // the answer tells a guesser nothing. Other instances learn it at their own next failure from there.
  const blocked = new Map<string, number>();
  const tokenCheck = createTokenCheck(db);

  function blockedFor(address: string | undefined): number {
    if (!address) return 0;
    const until = blocked.get(address);
    if (until === undefined) return 0;
    if (until <= Date.now()) blocked.delete(address);
    return Math.max(0, Math.ceil((until - Date.now()) / 1000));
  }

  async function keyFailed(address: string | undefined): Promise<null> {
    if (!address) return null;
    const seconds = await recordFailure(db, keyGuessRule(address));
    if (seconds > 0) {
      if (blocked.size >= MAX_BLOCKED_ADDRESSES) blocked.clear();
      blocked.set(address, Date.now() + seconds * 1000);
      throw rateLimited(seconds, 'Too many wrong keys from this address; try again later.');
    }
    return null;
  }

  async function sellerViewer(key: string): Promise<Viewer | null> {
    const rows: { id: string; sellerId: string; scopes: SellerScope[]; stale: boolean }[] = await db.query(
      `SELECT k.id, k.seller_id AS "sellerId", k.scopes,
              coalesce(k.last_used_at < now() - interval '1 minute', true) AS stale
         FROM seller_api_key k JOIN seller s ON s.id = k.seller_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND s.status = 'active'`,
      [hashKey(key)],
    );
    const row = rows[0];
    if (!row) return null;
    // last_used_at is informational: written at most once a minute, off the request's path.
    if (row.stale) {
      db.query('UPDATE seller_api_key SET last_used_at = now() WHERE id = $1', [row.id]).catch(() => undefined);
    }
    return { kind: 'seller', sellerId: row.sellerId, keyId: row.id, scopes: new Set(row.scopes) };
  }

  /**
   * A well-signed token still counts only while its customer exists and is not erased, its session is
   * neither revoked nor over, and it carries the customer's current token version (bumped by logout
   * everywhere, password change and reset, erasure): createTokenCheck, batched.
   */
  async function customerViewer(token: string): Promise<Viewer | null> {
    const claims = await tokens.verifyCustomerToken(token);
    if (!claims) return null;
    if (!(await tokenCheck.load(claims))) return null;
    const { customerId, sessionId, version, expiresAt } = claims;
    return { kind: 'customer', customerId, sessionId, token: { version, expiresAt } };
  }

  return {
    async authenticate(authorization, clientAddress) {
      if (!authorization) return guest;
      const address = clientAddress === undefined ? undefined : addressKey(clientAddress);
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) return null;
      const token = match[1]!;
      if (token.split('.').length === 3) return customerViewer(token);
      const wait = blockedFor(address);
      if (wait > 0) throw rateLimited(wait, 'Too many wrong keys from this address; try again later.');
      if (token.startsWith(SELLER_KEY_PREFIX)) return (await sellerViewer(token)) ?? keyFailed(address);
      return timingSafeEqual(Buffer.from(hashKey(token), 'hex'), adminHash) ? admin : keyFailed(address);
    },
  };
}
