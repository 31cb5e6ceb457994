import { isIP } from 'node:net';
import { addressRefusal, type AddressPolicy } from './webhook-address';

/** Plain http is allowed only to this machine, for development against a local receiver. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Special-use names (RFC 6761, RFC 8375, ICANN's .internal) that never name a public host. */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'localdomain', 'home.arpa', 'invalid'];

/**
 * Why a host name surely isn't public: a special-use name, or a single label such as `metadata` that only
 * a search domain completes. A courtesy at creation; the address itself is checked at each delivery.
 */
function localName(hostname: string): string | null {
  const name = hostname.replace(/\.$/, '');
  if (!name.includes('.')) return `${hostname} is not a fully qualified public name`;
  const suffix = LOCAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  return suffix ? `${hostname} is a local name (.${suffix})` : null;
}

/**
 * Why `url` can't receive webhooks, or null. https to a public host; http only to localhost,
 * 127.0.0.1 or [::1], and those (and private addresses) only where the deployment allows private
 * addresses (development). Names are checked again, by their addresses, at every delivery.
 */
export function invalidEndpointUrl(url: string, policy: AddressPolicy): string | null {
  if (url.length > 2048) return 'url is too long (maximum 2048 characters).';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not a valid URL.';
  }
  if (parsed.username || parsed.password) return 'url must not carry credentials; verify the webhook-signature header instead.';
  if (parsed.hash) return 'url must not have a #fragment.';
  const loopback = policy.allowPrivateAddresses && LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol === 'http:' && !loopback) return 'url must use https (http only to localhost or 127.0.0.1, where the deployment allows private addresses).';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must use https.';
  // The parser has already turned 2130706433, 0x7f.1 and [::ffff:127.0.0.1] into canonical addresses.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const refused = isIP(host) ? addressRefusal(host, policy) : policy.allowPrivateAddresses ? null : localName(host);
  return refused && `url must point at a public address: ${isIP(host) ? `${host} is ${refused}` : refused}.`;
}
