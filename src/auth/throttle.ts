import { isIPv4, isIPv6 } from 'node:net';
import type { DataSource } from 'typeorm';
import { apiError } from '../core/errors';

/**
 * Failure throttling of logins and key guesses, counted in PostgreSQL so every instance shares it
 * (issue 9; OWASP Authentication Cheat Sheet, "Protect against automated attacks"). A counter allows
 * `threshold` failures, then each further attempt waits twice as long as the last, up to
 * `maxDelaySeconds`: a lockout ends by itself, so nobody can lock a victim out for good. Counters
 * forget a day without failures.
 */
export interface ThrottleRule {
  key: string;
  threshold: number;
  maxDelaySeconds: number;
}

/**
 * The part of a client address that throttling counts by: an IPv4 address, or an IPv6 address's /64
 * (one customer line or host usually has a whole /64, so counting single IPv6 addresses would let a
 * guesser change address at every try). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(address)) return address.slice(0, 64);
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export const rateLimited = (retryAfterSeconds: number, message = 'Too many failed attempts; try again later.') =>
  apiError('RATE_LIMITED', message, { retryAfterSeconds });

const columns = (rules: readonly ThrottleRule[]) => [rules.map((r) => r.key), rules.map((r) => r.threshold), rules.map((r) => r.maxDelaySeconds)];

const UPSERT = `
  INSERT INTO auth_throttle AS t (key, failures, threshold, max_delay_seconds, last_failure_at, next_allowed_at)
  SELECT key, 1, threshold, max_delay, now(), CASE WHEN threshold <= 1 THEN now() + interval '1 second' END
    FROM unnest($1::text[], $2::int[], $3::int[]) AS i(key, threshold, max_delay) ORDER BY key
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.last_failure_at < now() - interval '1 day' THEN 1 ELSE t.failures + 1 END,
    threshold = excluded.threshold,
    max_delay_seconds = excluded.max_delay_seconds,
    last_failure_at = now(),
    next_allowed_at = CASE
      WHEN t.last_failure_at < now() - interval '1 day' OR t.failures + 1 < excluded.threshold THEN NULL
      ELSE now() + least(power(2, least(t.failures + 1 - excluded.threshold, 20)) * interval '1 second',
                         excluded.max_delay_seconds * interval '1 second') END`;

// Now and then a failure also deletes the counters nobody has touched for a day: they would count from 1 again anyway.
function pruneNowAndThen(db: DataSource): void {
  if (Math.random() >= 0.01) return;
  db.query(`DELETE FROM auth_throttle WHERE last_failure_at < now() - interval '1 day' AND (next_allowed_at IS NULL OR next_allowed_at < now())`).catch(
    () => undefined,
  );
}

async function retryAfter(db: DataSource, keys: string[]): Promise<number> {
  const [row] = await db.query(
    'SELECT ceil(extract(epoch FROM max(next_allowed_at) - now()))::int AS seconds FROM auth_throttle WHERE key = ANY($1::text[])',
    [keys],
  );
  return Math.max(1, row?.seconds ?? 1);
}

/**
 * Counts an attempt that may fail (a password check) against every rule before it runs, so a burst of
 * parallel guesses is counted too; refused with RATE_LIMITED while any rule's delay runs, counting nothing.
 * Call `succeeded` when the attempt turns out right.
 */
export async function throttledAttempt(db: DataSource, rules: readonly ThrottleRule[]): Promise<void> {
  pruneNowAndThen(db);
  const blocked = Symbol('blocked');
  try {
    await db.transaction(async (tx) => {
      const rows: unknown[] = await tx.query(`${UPSERT} WHERE t.next_allowed_at IS NULL OR t.next_allowed_at <= now() RETURNING key`, columns(rules));
      if (rows.length < rules.length) throw blocked;
    });
  } catch (err) {
    if (err !== blocked) throw err;
    throw rateLimited(await retryAfter(db, rules.map((r) => r.key)));
  }
}

/** Takes back an attempt's count after success: `clear` keys are forgotten, the others count one failure less. */
export async function attemptSucceeded(db: DataSource, { clear, uncount }: { clear: string[]; uncount: string[] }): Promise<void> {
  await db.query(
    `WITH gone AS (DELETE FROM auth_throttle WHERE key = ANY($1::text[]))
     UPDATE auth_throttle SET failures = greatest(failures - 1, 0) WHERE key = ANY($2::text[])`,
    [clear, uncount],
  );
}

/** Counts a failure that already happened; the seconds to wait before the next try, or 0. */
export async function recordFailure(db: DataSource, rule: ThrottleRule): Promise<number> {
  pruneNowAndThen(db);
  const [row] = await db.query(
    `${UPSERT} RETURNING greatest(0, ceil(extract(epoch FROM coalesce(next_allowed_at, now()) - now())))::int AS seconds`,
    columns([rule]),
  );
  return row?.seconds ?? 0;
}

/** Whether a pair of account and address has failed lately: an address new to the account skips the account-wide delay. */
export async function hasFailedLately(db: DataSource, key: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM auth_throttle WHERE key = $1 AND failures > 0 AND last_failure_at > now() - interval '1 day'`, [key]);
  return rows.length > 0;
}
