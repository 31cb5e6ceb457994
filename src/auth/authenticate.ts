import { timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SELLER_KEY_PREFIX, hashKey } from './api-keys';
import type { TokenIssuer } from './tokens';
import { admin, guest, type SellerScope, type Viewer } from './viewer';

export interface Authenticator {
  /** The viewer for an `Authorization` header value; null when credentials are present but invalid. */
  authenticate(authorization: string | undefined | null): Promise<Viewer | null>;
}

export function createAuthenticator({
  db,
  tokens,
  adminKey,
}: {
  db: DataSource;
  tokens: TokenIssuer;
  adminKey: string;
}): Authenticator {
  const adminHash = Buffer.from(hashKey(adminKey), 'hex');

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

  return {
    async authenticate(authorization) {
      if (!authorization) return guest;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) return null;
      const token = match[1]!;
      if (token.startsWith(SELLER_KEY_PREFIX)) return sellerViewer(token);
      if (token.split('.').length === 3) {
        const customerId = await tokens.verifyCustomerToken(token);
        return customerId ? { kind: 'customer', customerId } : null;
      }
      return timingSafeEqual(Buffer.from(hashKey(token), 'hex'), adminHash) ? admin : null;
    },
  };
}
