import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../config';

/** What browser clients send: credentials, JSON bodies, Apollo's CSRF header, the request id, a guest's visitor id (touchpoints). */
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id, x-visitor-id';
/** What a page's script may read besides the CORS-safelisted response headers. */
const EXPOSED_HEADERS = 'x-request-id, retry-after';
/** How long a browser may reuse a preflight's answer, seconds (Chromium caps it at 7200). */
const MAX_AGE = '7200';

/** The routes browsers may call from other origins, with the methods each answers. */
export function corsMethodsFor(pathname: string): string | null {
  if (pathname === '/graphql') return 'GET, POST';
  if (pathname.startsWith('/invoices/')) return 'GET, HEAD';
  return null;
}

/**
 * CORS (Fetch standard §3.2) for `corsOrigins` (config.ts): `*` lets any page call without credentials;
 * a list lets its exact origins call with credentials. A request from another origin gets no CORS
 * headers, so the browser keeps the answer from the page. `handle` answers preflights (true: done).
 */
export function createCors(origins: AppConfig['corsOrigins']) {
  const allowed = origins === '*' ? null : new Set(origins);

  /** The Access-Control-Allow-Origin (and -Credentials) for this request's Origin, or none. */
  function allowOrigin(res: ServerResponse, origin: string | undefined): boolean {
    res.appendHeader('vary', 'Origin');
    if (!origin) return false;
    if (allowed === null) {
      res.setHeader('access-control-allow-origin', '*');
      return true;
    }
    if (origin.length > 300 || !allowed.has(origin.toLowerCase())) return false;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    return true;
  }

  return {
    /** Sets the CORS headers of a response of a CORS route; answers a preflight (returns true). */
    handle(req: IncomingMessage, res: ServerResponse, methods: string): boolean {
      const origin = req.headers.origin;
      const ok = allowOrigin(res, origin);
      if (req.method !== 'OPTIONS') {
        if (ok) res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
        return false;
      }
      res.setHeader('allow', `${methods}, OPTIONS`);
      if (ok && req.headers['access-control-request-method']) {
        res.setHeader('access-control-allow-methods', methods);
        res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
        res.setHeader('access-control-max-age', MAX_AGE);
      }
      res.writeHead(204);
      res.end();
      return true;
    },
  };
}
