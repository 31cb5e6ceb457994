// The verification recipe of plugins/webhooks/README.md for receivers without a Standard Webhooks library.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** True when `rawBody`, with its `webhook-*` headers, was signed with `secret` by Zoco less than `toleranceSeconds` ago. */
export function verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>, secret: string, toleranceSeconds = 300): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const timestamp = String(headers['webhook-timestamp'] ?? '');
  const signatures = String(headers['webhook-signature'] ?? '');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature = ''] = entry.split(',');
    const given = Buffer.from(signature, 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
