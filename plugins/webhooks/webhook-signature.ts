import { createHmac, randomBytes } from 'node:crypto';

/** The prefix of a Standard Webhooks secret; the base64 after it is the HMAC key. */
const PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks: 24–64). */
export function newSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a secret: the bytes its base64 (after `whsec_`) encodes. */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** Base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`: the Standard Webhooks `v1` scheme. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * The `webhook-signature` header: `v1,<base64>`, one per secret that signs, space-separated (two during
 * a rotation's overlap, current first). A receiver accepts when any of them matches.
 */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => `v1,${sign(s, id, timestamp, body)}`).join(' ');
}
