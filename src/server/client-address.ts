import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** How many `X-Forwarded-For` hops are read, from the right: the header is the client's to fill. */
const MAX_HOPS = 16;

const unmapped = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/**
 * The client's address of a request (HTTP, or a WebSocket's upgrade): the socket's, unless the socket
 * comes from a trusted proxy (`ZOCO_TRUSTED_PROXIES`); then `X-Forwarded-For` is read from the right,
 * past every trusted proxy, to the first address no trusted proxy vouches for. Anything before it
 * could be written by the client itself.
 */
export function createClientAddress(trustedProxies: readonly string[]): (req: IncomingMessage) => string {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(prefix), type);
  }
  const isTrusted = (address: string) => {
    const version = isIP(address);
    return version !== 0 && trusted.check(address, version === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    let address = unmapped(req.socket.remoteAddress ?? 'unknown');
    if (!trustedProxies.length || !isTrusted(address)) return address;
    const header = req.headers['x-forwarded-for'];
    const text = (Array.isArray(header) ? header.join(',') : (header ?? '')).slice(-64 * MAX_HOPS);
    const hops = text.split(',').slice(-MAX_HOPS);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = unmapped(hops[i]!.trim());
      if (!isIP(hop)) break;
      address = hop;
      if (!isTrusted(hop)) break;
    }
    return address;
  };
}
