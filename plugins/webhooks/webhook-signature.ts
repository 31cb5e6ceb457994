import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret; receivers use the whole string, prefix included, as the HMAC key. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`: the `v1` scheme. */
export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The Zoco-Signature header: `t=<unix seconds>,v1=<hex>`, with one `v1` per secret that signs
 * (two during a rotation's overlap, current first). A receiver accepts when any `v1` matches.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${sign(s, timestamp, body)}`)].join(',');
}
