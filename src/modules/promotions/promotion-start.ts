import type { AppServices, TxContext } from '../../core/context';
import { emit } from '../../events/outbox';
import type { PromotionRow } from './promotion.rows';

/** Promotions one timer round announces at most; the next round takes the rest. */
const BATCH = 100;

type Window = Pick<PromotionRow, 'status' | 'startsAt' | 'endsAt'>;

/** "Runs at $n" over `pr`: active, started, not ended. `runsAt` is its TypeScript twin. */
export const runningSql = (now: string) => `pr.status = 'active' AND pr.starts_at <= ${now} AND (pr.ends_at IS NULL OR pr.ends_at > ${now})`;

function runsAt(p: Window, now: Date): boolean {
  return p.status === 'active' && p.startsAt <= now && (p.endsAt === null || p.endsAt > now);
}

/**
 * What a promotion's row leaves in `announced_at` after a change (create, update, resume), and whether the
 * change announces its start now (`announceStart`, in the change's transaction, under its row lock):
 * - running and not announced yet → announced now; a resume (`restarted`) is a new start, announced again;
 * - starting later → NULL: the timer (`announceDueStarts`) announces it when it starts, also after an
 *   update moved the start of one announced before (the offers dedupe, so nobody gets one twice);
 * - otherwise (paused, ended) as it was.
 */
export function startAfterChange(p: Window & Pick<PromotionRow, 'announcedAt'>, now: Date, { restarted = false } = {}): { announcedAt: Date | null; announce: boolean } {
  if (runsAt(p, now)) return restarted || !p.announcedAt ? { announcedAt: now, announce: true } : { announcedAt: p.announcedAt, announce: false };
  if (p.startsAt > now) return { announcedAt: null, announce: false };
  return { announcedAt: p.announcedAt, announce: false };
}

export function announceStart(ctx: TxContext, p: Pick<PromotionRow, 'id' | 'sellerId' | 'targeting'>): Promise<void> {
  return emit(ctx, 'promotion.started', { promotionId: p.id, sellerId: p.sellerId, targeted: p.targeting !== null });
}

/**
 * The timer step (run by the offer timers, offers/offer-timers.ts): announces the promotions whose start has
 * come, by `app.now()`. One statement claims a batch with SKIP LOCKED (a promotion a change holds locked is
 * skipped, and a claim another worker committed since fails the re-check of `announced_at IS NULL`) and
 * writes their `promotion.started` outbox rows: claim and event commit together, so each start is announced
 * once by any number of workers, and a crash after the commit loses nothing (the dispatcher delivers it).
 * The payload is EventPayloads['promotion.started']; `promotion.started` has no in-transaction listeners.
 */
export async function announceDueStarts(app: Pick<AppServices, 'now' | 'events'>, query: (sql: string, parameters: unknown[]) => Promise<unknown>): Promise<number> {
  const { rowCount } = (await query(
    `WITH due AS (
       SELECT pr.id FROM promotion pr WHERE pr.announced_at IS NULL AND ${runningSql('$1')}
        ORDER BY pr.starts_at LIMIT ${BATCH} FOR NO KEY UPDATE SKIP LOCKED
     ), announced AS (
       UPDATE promotion pr SET announced_at = $1 FROM due WHERE pr.id = due.id RETURNING pr.id, pr.seller_id, pr.targeting
     )
     INSERT INTO outbox (type, payload)
     SELECT 'promotion.started', jsonb_build_object('promotionId', id, 'sellerId', seller_id, 'targeted', targeting IS NOT NULL) FROM announced`,
    [app.now()],
  )) as { rowCount: number | null };
  if (rowCount) app.events.kick();
  return rowCount ?? 0;
}
