import type { IncomingMessage } from 'node:http';

/**
 * The client's network address, the key of per-address throttling: the socket's peer, or behind a
 * trusted reverse proxy (`trustProxy`) the last `X-Forwarded-For` hop, the one the proxy itself added.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = (Array.isArray(header) ? header.join(',') : header)?.slice(-1000);
    const last = value?.split(',').pop()?.trim();
    if (last && last.length <= 64) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
