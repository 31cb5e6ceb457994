import { isIP } from 'node:net';

/** Plain http is allowed only to this machine, for development against a local receiver. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Hosts a production deployment must not call on a seller's behalf (SSRF into its own network). */
function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(host) === 6) return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  return false;
}

/**
 * Why `url` can't receive webhooks, or null. https anywhere public; http only to localhost,
 * 127.0.0.1 or [::1], and those (and private addresses) only outside production.
 */
export function invalidEndpointUrl(url: string, production: boolean): string | null {
  if (url.length > 2048) return 'url is too long (maximum 2048 characters).';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not a valid URL.';
  }
  if (parsed.username || parsed.password) return 'url must not carry credentials; verify the Zoco-Signature header instead.';
  if (parsed.hash) return 'url must not have a #fragment.';
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol === 'http:' && !loopback) return 'url must use https (http only to localhost or 127.0.0.1, for development).';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must use https.';
  if (production && isPrivateHost(parsed.hostname)) return 'url must be a public address.';
  return null;
}
