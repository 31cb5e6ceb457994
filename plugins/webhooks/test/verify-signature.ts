// The verification recipe of plugins/webhooks/README.md, as a seller's receiver would write it.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** True when `rawBody` was signed with `secret` by Zoco less than `toleranceSeconds` ago. */
export function verifyZocoSignature(rawBody: string, header: string, secret: string, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.split('=') as [string, string]);
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return parts.some(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected));
}
