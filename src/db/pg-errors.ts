import { QueryFailedError } from 'typeorm';

/** The constraint name when `err` is a PostgreSQL unique violation (23505), else null. */
export function uniqueViolation(err: unknown): string | null {
  if (err instanceof QueryFailedError) {
    const driverError = err.driverError as { code?: string; constraint?: string };
    if (driverError.code === '23505') return driverError.constraint ?? '';
  }
  return null;
}

/**
 * SQLSTATE classes that mean "the database went away", not "the statement was wrong": 08 connection
 * exception, 57P01-57P03 admin shutdown / crash shutdown / cannot connect now, 53300 too many connections.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** Node's socket errors, and pg's own words when a connection ends under a query or a checkout. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed)/;

/**
 * Whether `err` (a TypeORM QueryFailedError, a pg error, or a socket error) says the database is
 * unreachable or dropped the connection: a blink the client may retry, never a bug of the request.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * What PostgreSQL refuses about a value rather than a statement: class 22 (data exception: malformed
 * text for a uuid, a date or a number, numeric or datetime overflow, a NUL byte, text too long) and the
 * integrity rules a client's value can break (unique, foreign key, check). Each is told in our words:
 * PostgreSQL's message names tables, columns and types (issue 9).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const CLIENT_VALUE_MESSAGES: Record<string, string> = {
  '22001': 'A text value is too long.',
  '22003': 'A number is out of range.',
  '22007': 'A date or time is malformed.',
  '22008': 'A date or time is out of range.',
  '22021': 'A text value holds a character that is not allowed (such as \\u0000).',
  '22P05': 'A text value holds a character that is not allowed (such as \\u0000).',
  '22P02': 'A value is malformed.',
  '23505': 'A value that must be unique is already taken.',
  '23503': 'A referenced object does not exist.',
  '23514': 'A value is out of the allowed range.',
};

/** The SQLSTATE of `err` (a TypeORM QueryFailedError, a pg error, or one wrapping them), or null. */
function sqlState(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * The message for a client when PostgreSQL refused a value of the request (see CLIENT_VALUE_MESSAGES),
 * or null for any other error. The error policy answers these as BAD_USER_INPUT, never with the database's text.
 */
export function refusedValueMessage(err: unknown): string | null {
  const state = sqlState(err);
  if (!state) return null;
  return CLIENT_VALUE_MESSAGES[state] ?? (state.startsWith('22') ? 'A value is malformed or out of range.' : null);
}

/** Whether `err` is PostgreSQL cancelling a statement (57014: its statement_timeout ran out, or a cancel request). */
export function queryCanceled(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '57014';
}
