import { createHash, randomBytes } from 'node:crypto';

export const SELLER_KEY_PREFIX = 'zsk_';

/** A new seller API key: shown once; only its SHA-256 is stored (the key has 192 random bits). */
export function generateSellerKey(): { key: string; prefix: string; hash: string } {
  const key = SELLER_KEY_PREFIX + randomBytes(24).toString('base64url');
  return { key, prefix: key.slice(0, SELLER_KEY_PREFIX.length + 6), hash: hashKey(key) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
