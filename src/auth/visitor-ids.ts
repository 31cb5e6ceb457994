import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `<uuid>.<43 characters of base64url MAC>`: anything longer is refused before any work. */
const TOKEN_LENGTH = 36 + 1 + 43;

const mac = (secret: string, uuid: string) => createHmac('sha256', secret).update(`zoco:visitor:${uuid}`).digest();

/**
 * An anonymous visitor's id (issue 10): a random uuid with an HMAC of the deployment's secret, so a
 * client can hold it like a cookie but cannot forge another visitor's (their events would join that
 * customer at sign-in). It names nobody and never expires; it stops mattering once the visitor signs in.
 */
export function issueVisitorId(secret: string): string {
  const uuid = randomUUID();
  return `${uuid}.${mac(secret, uuid).toString('base64url')}`;
}

/** The uuid of a visitor id this deployment issued, or null for a malformed, forged or foreign one. */
export function verifyVisitorId(secret: string, token: string): string | null {
  if (token.length !== TOKEN_LENGTH || token[36] !== '.') return null;
  const uuid = token.slice(0, 36);
  if (!UUID.test(uuid)) return null;
  const given = Buffer.from(token.slice(37), 'base64url');
  const expected = mac(secret, uuid);
  return given.length === expected.length && timingSafeEqual(given, expected) ? uuid : null;
}
