import { SignJWT, jwtVerify, errors } from 'jose';

const ISSUER = 'zoco';
const AUDIENCE = 'zoco:customer';

export interface TokenIssuer {
  /** A signed access token for a customer, and when it expires. */
  issueCustomerToken(customerId: string): Promise<{ token: string; expiresAt: Date }>;
  /** The customer id of a valid token, or null for a bad, expired or foreign token. */
  verifyCustomerToken(token: string): Promise<string | null>;
}

export function createTokenIssuer(secret: string, ttlSeconds = 24 * 3600): TokenIssuer {
  const key = new TextEncoder().encode(secret);
  return {
    async issueCustomerToken(customerId) {
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(customerId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verifyCustomerToken(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch (err) {
        if (err instanceof errors.JOSEError) return null;
        throw err;
      }
    },
  };
}
