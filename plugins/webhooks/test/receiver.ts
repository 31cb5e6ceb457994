import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  at: number;
}

/**
 * A seller's webhook receiver on 127.0.0.1 (ephemeral port). Each path is an endpoint; `fail(path, n)`
 * makes its next n calls answer 500, `hang(path)` makes it never answer, `redirect(path, location)` answers 302.
 */
export async function startReceiver() {
  const calls: Call[] = [];
  const failures = new Map<string, number>();
  const hanging = new Set<string>();
  const redirects = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      calls.push({ path, headers: req.headers, body, json: JSON.parse(body), at: Date.now() });
      if (hanging.has(path)) return;
      const location = redirects.get(path);
      if (location) {
        res.writeHead(302, { location, 'content-type': 'text/plain' }).end(`moved to ${location}`);
        return;
      }
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver down on purpose');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    calls: (path: string) => calls.filter((c) => c.path === path),
    fail: (path: string, times: number) => void failures.set(path, times),
    hang: (path: string) => void hanging.add(path),
    redirect: (path: string, location: string) => void redirects.set(path, location),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
