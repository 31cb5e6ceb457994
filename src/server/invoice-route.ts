import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticate';
import { apiError, notFound, unauthenticated } from '../core/errors';
import { invoicePdf } from '../modules/invoices';
import { createContext, type AppServices } from '../core/context';
import { httpErrorOf } from './error-policy';

const PDF_PATH = /^\/invoices\/([A-Za-z0-9_-]{1,200})\.pdf$/;

async function sendPdf(req: IncomingMessage, res: ServerResponse, url: URL, route: InvoiceRouteOptions, requestId: string): Promise<void> {
  const { app, auth, clientAddress } = route;
  if (req.method !== 'GET' && req.method !== 'HEAD') throw apiError('BAD_REQUEST', 'Use GET.', { http: { status: 405 } });
  const viewer = await auth.authenticate(req.headers.authorization, clientAddress(req));
  if (!viewer || viewer.kind === 'guest') throw unauthenticated('Send the access token or API key as Authorization: Bearer.');
  const match = PDF_PATH.exec(url.pathname);
  const found = match ? await invoicePdf(createContext(app, viewer, requestId), match[1]!) : null;
  if (!found) throw notFound('Invoice');
  const headers = {
    etag: found.etag,
    // Personal data: no shared cache may keep it. An invoice never changes, so the client's copy stays good.
    'cache-control': 'private, max-age=31536000, immutable',
  };
  if (ifNoneMatch(req.headers['if-none-match'], found.etag)) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const pdf = await found.load();
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/pdf',
    'content-length': pdf.length,
    'content-disposition': `inline; filename="${found.filename}"`,
  });
  res.end(req.method === 'HEAD' ? undefined : pdf);
}

/** RFC 9110 §13.1.2: weak comparison against a list of entity tags, or `*`; bounded like every input. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header || header.length > 2000) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/**
 * `GET /invoices/<Invoice global ID>.pdf`, with the same `Authorization` as /graphql (Invoice.pdfUrl).
 * No or bad credentials: 401. An invoice the viewer may not see answers 404 exactly like a missing
 * one, never 403, so invoice IDs can't be probed. Errors follow error-policy.ts: an expected one is
 * its code's status with `{ error, code }`; anything else is logged with the request id and a 500.
 */
export interface InvoiceRouteOptions {
  app: AppServices;
  auth: Authenticator;
  /** The client's address (client-address.ts), the key of failed-key throttling. */
  clientAddress: (req: IncomingMessage) => string;
}

export function createInvoiceRoute(route: InvoiceRouteOptions) {
  const { app } = route;
  const production = app.config.env === 'production';
  return async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    try {
      await sendPdf(req, res, url, route, requestId);
    } catch (err) {
      const { status, body } = httpErrorOf(err, app.log.child({ reqId: requestId }), production);
      if (res.headersSent) return void res.destroy();
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        ...(status === 405 ? { allow: 'GET, HEAD' } : {}),
      });
      res.end(text);
    }
  };
}
