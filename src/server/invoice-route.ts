import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticate';
import { invoicePdf } from '../modules/invoices';
import { createContext, type AppServices } from '../core/context';

const PDF_PATH = /^\/invoices\/([A-Za-z0-9_-]{1,200})\.pdf$/;

function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ error });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * `GET /invoices/<Invoice global ID>.pdf`, with the same `Authorization` as /graphql (Invoice.pdfUrl).
 * No or bad credentials: 401. An invoice the viewer may not see answers 404 exactly like a missing
 * one, never 403, so invoice IDs can't be probed.
 */
export function createInvoiceRoute({ app, auth }: { app: AppServices; auth: Authenticator }) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Use GET.', { allow: 'GET, HEAD' });
    const viewer = await auth.authenticate(req.headers.authorization);
    if (!viewer || viewer.kind === 'guest') {
      return sendError(res, 401, 'Send the access token or API key as Authorization: Bearer.', { 'www-authenticate': 'Bearer' });
    }
    const match = PDF_PATH.exec(url.pathname);
    const found = match ? await invoicePdf(createContext(app, viewer, requestId), match[1]!) : null;
    if (!found) return sendError(res, 404, 'Invoice not found.');
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': found.pdf.length,
      'content-disposition': `inline; filename="${found.filename}"`,
      // Personal data: no shared cache may keep it.
      'cache-control': 'private, no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : found.pdf);
  };
}
