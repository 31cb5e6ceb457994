import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { issueVisitorId, verifyVisitorId } from './visitor-ids';

const ISSUER = 'zoco';
const AUDIENCE = 'zoco:customer';
const ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Verified tokens remembered per issuer (oldest out first): about 0.5 KB each. */
const MAX_VERIFIED = 20_000;

/** What a customer access token says: whose it is, of which session, and the customer's token version when issued. */
export interface CustomerTokenClaims {
  customerId: string;
  sessionId: string;
  version: number;
}

/** The claims of a verified token, and when it expires (`exp`): an open socket is closed then (socket-access.ts). */
export interface VerifiedCustomerToken extends CustomerTokenClaims {
  expiresAt: Date;
}

export interface TokenIssuer {
  /** A signed access token for a customer's session, and when it expires. */
  issueCustomerToken(claims: CustomerTokenClaims): Promise<{ token: string; expiresAt: Date }>;
  /**
   * The claims of a well-signed, unexpired token, or null for a bad, expired or foreign token. Whether
   * the customer, session and version are still good is authenticate.ts's question.
   */
  verifyCustomerToken(token: string): Promise<VerifiedCustomerToken | null>;
  /** A new anonymous visitor id, signed (auth/visitor-ids.ts). */
  issueVisitorId(): string;
  /** The uuid of a visitor id this deployment issued, or null for a malformed, forged or foreign one. */
  verifyVisitorId(token: string): string | null;
}

/** HS256 only (the algorithm is pinned, `alg: none` and key confusion are refused) and `exp` required (issue 9). */
export function createTokenIssuer(secret: string, ttlSeconds = 900): TokenIssuer {
  // Imported once: given the secret's bytes, jose imports a CryptoKey at every sign and verify, a third of
  // the token's cost when a reconnect storm verified 10,000 tokens at once (issue 16, CPU profile).
  let imported: Promise<webcrypto.CryptoKey> | undefined;
  const keyOf = () =>
    (imported ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']));
  const verified = new Map<string, Readonly<VerifiedCustomerToken>>();
  return {
    async issueCustomerToken({ customerId, sessionId, version }) {
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const token = await new SignJWT({ sid: sessionId, ver: version })
        .setProtectedHeader({ alg: ALGORITHM })
        .setSubject(customerId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(await keyOf());
      return { token, expiresAt };
    },
    async verifyCustomerToken(token) {
      // A token verified before is the same signed text: only its expiry can have changed since (the
      // session, revocation and version are authenticate.ts's checks, made every time). Issue 16: a reconnect
      // storm presents 10,000 tokens verified minutes ago; webcrypto's HMAC was 15 % of its server CPU.
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt.getTime() > Date.now()) return known;
        verified.delete(token);
        return null;
      }
      try {
        const { payload } = await jwtVerify(token, await keyOf(), {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: [ALGORITHM],
          requiredClaims: ['exp', 'iat', 'sub', 'sid', 'ver'],
        });
        const { sub, sid, ver, exp } = payload;
        if (typeof sub !== 'string' || !UUID.test(sub) || typeof sid !== 'string' || !UUID.test(sid)) return null;
        if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || typeof exp !== 'number') return null;
        const claims = { customerId: sub, sessionId: sid, version: ver, expiresAt: new Date(exp * 1000) };
        if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
        verified.set(token, claims);
        return claims;
      } catch (err) {
        if (err instanceof errors.JOSEError) return null;
        throw err;
      }
    },
    issueVisitorId: () => issueVisitorId(secret),
    verifyVisitorId: (token) => verifyVisitorId(secret, token),
  };
}
