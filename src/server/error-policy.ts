import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isExpectedCode, type ExpectedErrorCode } from '../core/errors';
import { isDatabaseUnavailable, refusedValueMessage } from '../db/pg-errors';

/**
 * One error policy for every transport (HTTP, graphql-ws, the PDF route; issue 8): an error with a code
 * from the catalog (core/errors.ts) reaches the client as it is; anything else is a bug, logged once
 * with the request id and shown as INTERNAL_SERVER_ERROR, its message hidden in production. A value the
 * database refused (pg-errors.ts refusedValueMessage: a malformed uuid, an overflow, a NUL byte, a
 * duplicate) is the client's mistake: BAD_USER_INPUT in our words, never the database's (issue 9).
 */

const codeOf = (error: { extensions?: Readonly<Record<string, unknown>> | undefined }) => error.extensions?.['code'];

export const isExpected = (error: { extensions?: Readonly<Record<string, unknown>> | undefined }) => isExpectedCode(codeOf(error));

/** graphql-js wraps what a resolver throws; the log wants the thrown error and its stack. */
const thrown = (error: GraphQLError): unknown => error.originalError ?? error;

/** Logs each unexpected error with the request's logger (a child carrying `reqId`). */
export function logUnexpected(log: Logger, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    if (isExpected(error) || uncodedClientError(error)) continue;
    if (isDatabaseUnavailable(thrown(error))) log.warn({ err: thrown(error), path: error.path }, 'database unavailable');
    // Logged all the same: a value our own code computed wrong would show here too.
    else if (refusedValueMessage(thrown(error))) log.warn({ err: thrown(error), path: error.path }, 'database refused a value');
    else log.error({ err: thrown(error), path: error.path }, 'unexpected error');
  }
}

/** graphql-js's last variable error when a request has more than 50: it names no variable, and Apollo leaves it uncoded. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables, error limit reached. Execution aborted.';

/**
 * The code of an error that names none but is the client's: Apollo Server refuses some requests before
 * execution with only an HTTP status (a persisted query of another version or whose hash does not
 * match its text), and graphql-js ends a long list of variable errors with one that names no variable.
 */
function uncodedClientError(original: unknown): ExpectedErrorCode | null {
  const extensions = (original as { extensions?: Record<string, unknown> } | null)?.extensions;
  const status = (extensions?.['http'] as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return 'BAD_REQUEST';
  if ((original as { message?: unknown } | null)?.message === TOO_MANY_VARIABLE_ERRORS) return 'BAD_USER_INPUT';
  return null;
}

/** What the client sees of an error once logged: no stack, no extensions but the code; where it happened stays. */
export function maskUnexpected(formatted: GraphQLFormattedError, original: unknown, production: boolean): GraphQLFormattedError {
  if (isExpected(formatted)) return formatted;
  const clientCode = uncodedClientError(original);
  if (clientCode) return { ...formatted, extensions: { ...formatted.extensions, code: clientCode } };
  const refused = refusedValueMessage(original);
  if (refused) {
    return {
      message: refused,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'BAD_USER_INPUT' },
    };
  }
  const unavailable = isDatabaseUnavailable(original);
  return {
    message: unavailable ? 'The database is unavailable; retry shortly.' : production ? 'Unexpected error.' : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR' },
  };
}

/** Both steps, for a transport that sees each error once, with its request (graphql-ws). */
export function applyErrorPolicy(errors: readonly GraphQLError[], log: Logger, production: boolean): GraphQLFormattedError[] {
  logUnexpected(log, errors);
  return errors.map((error) => maskUnexpected(error.toJSON(), thrown(error), production));
}

// Every expected code must choose its status; the client's mistakes are 4xx, never 500.
const HTTP_STATUS: Record<ExpectedErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
};

export interface HttpError {
  status: number;
  body: { error: string; code: string };
}

/**
 * An error as the answer of a route outside GraphQL (the invoice PDF): an expected one gets its code's
 * status, or `extensions.http.status` when it names one (Apollo's convention); anything else is a 500.
 */
export function httpErrorOf(error: unknown, log: Logger, production: boolean): HttpError {
  const extensions = (error as { extensions?: Record<string, unknown> } | null)?.extensions;
  const code = extensions?.['code'];
  if (isExpectedCode(code)) {
    const status = (extensions?.['http'] as { status?: unknown } | undefined)?.status;
    return {
      status: typeof status === 'number' ? status : HTTP_STATUS[code],
      body: { error: (error as Error).message, code },
    };
  }
  const refused = refusedValueMessage(error);
  if (refused) {
    log.warn({ err: error }, 'database refused a value');
    return { status: 400, body: { error: refused, code: 'BAD_USER_INPUT' } };
  }
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error }, 'database unavailable');
    return { status: 503, body: { error: 'The database is unavailable; retry shortly.', code: 'SERVICE_UNAVAILABLE' } };
  }
  log.error({ err: error }, 'unexpected error');
  const message = production || !(error instanceof Error) ? 'Unexpected error.' : error.message;
  return { status: 500, body: { error: message, code: 'INTERNAL_SERVER_ERROR' } };
}
