import type { AppServices } from '../../core/context';

/** Runs one statement: the app's pool, or the timers' own connection. */
export type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

const BATCH = 1_000;

/**
 * Writes EXPIRED on offers past their time, a bounded batch a round (reads already show them expired by
 * the clock: offer.service.ts). Returns how many it expired.
 */
export async function expireOffers(app: Pick<AppServices, 'now'>, query: Query): Promise<number> {
  const now = app.now();
  const { rowCount } = (await query(
    `UPDATE offer SET state = 'EXPIRED', updated_at = $1
      WHERE id IN (SELECT id FROM offer WHERE state IN ('NEW', 'SEEN') AND expires_at <= $1 ORDER BY expires_at LIMIT ${BATCH} FOR NO KEY UPDATE SKIP LOCKED)`,
    [now],
  )) as { rowCount: number | null };
  return rowCount ?? 0;
}
