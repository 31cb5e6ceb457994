import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import { createContext, type AppServices, type Context } from '../core/context';
import { negotiateLocale } from '../core/locale';
import type { AppConfig } from '../config';
import { corsMethodsFor, createCors } from './cors';
import { createInvoiceRoute } from './invoice-route';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './json-depth';
import { createMetricsRoute, type Metrics } from './metrics';
import { knownDocumentsOf } from './apollo';
import { EDITOR_PATH, createQueryEditor } from './query-editor';

const MAX_BODY_BYTES = 1024 * 1024;
/** The URL of nearly every request, parsed once and shared: the routes below only read a request's URL. */
const GRAPHQL_URL = new URL('/graphql', 'http://localhost');

export interface HttpHandlerOptions {
  apollo: ApolloServer<Context>;
  app: AppServices;
  auth: Authenticator;
  /** Whether the app is accepting work (false while starting and stopping). */
  isReady: () => boolean;
  /** The client's address (client-address.ts); default: the socket's. */
  clientAddress?: (req: IncomingMessage) => string;
  /** Origins allowed to call from a browser (cors.ts); default: any. */
  corsOrigins?: AppConfig['corsOrigins'];
  /** Served at /metrics (metrics.ts says who may read it). */
  metrics?: Metrics;
}

/** The body as text, or null when it is over MAX_BODY_BYTES (the rest is then discarded unread). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Don't destroy the socket here: the 413 could not be sent. Stop buffering; the caller
      // answers with `connection: close` and Node drops the socket once the answer is out.
      req.off('data', onData);
      req.resume();
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The refusals of a well-formed request before execution (Apollo answers them 400). */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'QUERY_TOO_COMPLEX', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * GraphQL over HTTP §6.4.1: a client that asks for `application/json` (the legacy media type) by name gets
 * 200 for a well-formed request that fails to parse, validate or coerce its variables, the errors in the
 * body; `application/graphql-response+json` (and `*\/*`) keep Apollo's 400. Throttling (429),
 * authentication (401) and malformed requests keep their status.
 */
function legacyStatus(req: IncomingMessage, status: number, headers: Record<string, string>, body: string): number {
  if (status !== 400 || !headers['content-type']?.startsWith('application/json')) return status;
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || body.length > 100_000) return status;
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    if ('data' in parsed || !parsed.errors?.length) return status;
    return parsed.errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code))) ? 200 : status;
  } catch {
    return status;
  }
}

/** A browser's address bar: GET, HTML first, no operation (a GET with `query` is GraphQL over HTTP). */
function opensInBrowser(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').startsWith('text/html');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}

const graphqlError = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/** One line per request outside /graphql (whose operations Apollo's plugins log): the path without its query string. */
function logRequest(log: AppServices['log'], req: IncomingMessage, res: ServerResponse, path: string, requestId: string): void {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
    log.info({ method: req.method, path: path.slice(0, 200), status: res.statusCode, ms, reqId: requestId, ...(res.writableFinished ? {} : { aborted: true }) }, 'http');
  });
}

/** The one HTTP handler: /graphql (GraphQL over HTTP, GET and POST), /healthz, /readyz, /metrics, the invoice PDFs. */
export function createHttpHandler({
  apollo,
  app,
  auth,
  isReady,
  clientAddress = (req) => req.socket.remoteAddress ?? 'unknown',
  corsOrigins = '*',
  metrics,
}: HttpHandlerOptions) {
  const cors = createCors(corsOrigins);
  const knownDocuments = knownDocumentsOf(apollo);
  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req);
      if (raw === null) {
        return sendJson(res, 413, graphqlError('The request body is over 1 MiB.', 'BAD_REQUEST'), { connection: 'close' });
      }
      if (req.headers['content-type']?.includes('json')) {
        if (nestsDeeperThan(raw, MAX_BODY_DEPTH)) {
          return sendJson(res, 400, graphqlError(`The request body nests deeper than ${MAX_BODY_DEPTH} levels.`, 'BAD_REQUEST'));
        }
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(res, 400, graphqlError('The request body is not valid JSON.', 'BAD_REQUEST'));
        }
      } else body = raw;
    }
    let context = async (): Promise<Context> => {
      const address = clientAddress(req);
      const viewer = await auth.authenticate(req.headers.authorization, address).catch((err: unknown) => {
        if (err instanceof GraphQLError && err.extensions['code'] === 'RATE_LIMITED') {
          throw new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status: 429 } } });
        }
        throw err;
      });
      if (!viewer) {
        throw new GraphQLError('The access token or API key is invalid, expired or revoked.', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      return createContext(app, viewer, requestId, address, negotiateLocale(req.headers['accept-language']));
    };
    // A known query document (known-documents.ts) is answered without Apollo's pipeline, or handed back to it.
    const eligible = knownDocuments?.eligible(req.method, body, req.headers['content-type'], req.headers.accept);
    if (eligible) {
      const outcome = await knownDocuments!.run(eligible, context);
      if ('body' in outcome) {
        // The headers Apollo's answer gets below (no content-length: chunked, as there).
        res.writeHead(200, { 'content-type': outcome.contentType });
        res.end(outcome.body);
        return;
      }
      context = outcome.context;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search: url.search, body },
      context,
    });
    const outHeaders: Record<string, string> = {};
    for (const [key, value] of response.headers) outHeaders[key] = value;
    if (response.body.kind === 'complete') {
      res.writeHead(legacyStatus(req, response.status ?? 200, outHeaders, response.body.string), outHeaders);
      res.end(response.body.string);
      return;
    }
    res.writeHead(response.status ?? 200, outHeaders);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function ready(res: ServerResponse): Promise<void> {
    if (!isReady()) return sendJson(res, 503, { status: 'stopping' });
    try {
      await app.db.query('SELECT 1');
      sendJson(res, 200, { status: 'ready' });
    } catch {
      sendJson(res, 503, { status: 'database unavailable' });
    }
  }

  const invoicePdf = createInvoiceRoute({ app, auth, clientAddress });
  const editor = app.config.queryEditor ? createQueryEditor({ log: app.log }) : null;
  const metricsRoute = metrics && createMetricsRoute(metrics, { production: app.config.env === 'production', token: app.config.metricsToken });

  return (req: IncomingMessage, res: ServerResponse): void => {
    // Nearly every request is a POST to /graphql: the WHATWG URL parser costs about 1 µs.
    const url = req.url === '/graphql' ? GRAPHQL_URL : new URL(req.url ?? '/', 'http://localhost');
    // Every response, errors included, names its request: the id ties a client report to the logs.
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    if (url.pathname !== '/graphql') logRequest(app.log, req, res, url.pathname, requestId);
    const corsMethods = corsMethodsFor(url.pathname);
    if (corsMethods && cors.handle(req, res, corsMethods)) return;
    let work: Promise<void> | void;
    if (url.pathname === '/graphql' && editor && opensInBrowser(req, url)) work = redirect(res, EDITOR_PATH);
    else if (url.pathname === '/graphql') work = graphql(req, res, url, requestId);
    else if (url.pathname === '/healthz') work = sendJson(res, 200, { status: 'ok' });
    else if (url.pathname === '/readyz') work = ready(res);
    else if (url.pathname === '/metrics' && metricsRoute) work = metricsRoute(req, res, 'cluster');
    else if (url.pathname === '/metrics/process' && metricsRoute) work = metricsRoute(req, res, 'process');
    else if (url.pathname.startsWith('/invoices/')) work = invoicePdf(req, res, url, requestId);
    else if (editor && url.pathname === EDITOR_PATH.slice(0, -1)) work = redirect(res, EDITOR_PATH);
    else if (editor && url.pathname.startsWith(EDITOR_PATH)) work = editor(req, res, url.pathname);
    else work = sendJson(res, 404, { error: 'Not found. The API is at /graphql.' });
    Promise.resolve(work).catch((err: unknown) => {
      app.log.error({ err, reqId: requestId }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, graphqlError('Unexpected error.', 'INTERNAL_SERVER_ERROR'));
      else res.destroy();
    });
  };
}
