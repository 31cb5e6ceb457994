import pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './pg-errors';

/** Start-up gave up on the database: one line for the operator, no stack (main.ts prints the message). */
export class DatabaseUnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
  }
}

export interface WaitOptions {
  /** Total time to keep trying, ms. */
  timeoutMs: number;
  log: Logger;
  /** What the URL is called in the message: `DATABASE_URL`, or the embedded database. */
  source: string;
}

/** host:port/database of a connection string, never its user or password (messages end up in logs). */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * Waits until the database accepts a connection: a database that starts alongside the app (compose,
 * a restarting managed instance) is reachable a little later. Retries with doubling waits (0.25 s to
 * 4 s) for at most `timeoutMs`, then fails with one line. Errors other than "unreachable" (wrong
 * password, missing database) fail at once: waiting would not fix them.
 */
export async function waitForDatabase(url: string, { timeoutMs, log, source }: WaitOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1, waitMs = 250; ; attempt++, waitMs = Math.min(waitMs * 2, 4_000)) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      const reason = (err as { code?: string }).code ?? (err as Error).message;
      if (!isDatabaseUnavailable(err)) {
        throw new DatabaseUnreachableError(`Cannot use the database of ${source} (${describe(url)}): ${(err as Error).message}`, { cause: err });
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new DatabaseUnreachableError(
          `The database of ${source} (${describe(url)}) did not answer within ${Math.round(timeoutMs / 1000)} s (${attempt} attempts, last: ${reason}); ` +
            'check that PostgreSQL runs and DATABASE_URL points at it (ZOCO_DATABASE_WAIT_SECONDS sets how long to wait).',
          { cause: err },
        );
      }
      log.warn({ attempt, reason, retryInMs: Math.min(waitMs, left) }, 'database not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, left)));
    }
  }
}
