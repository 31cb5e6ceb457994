import pg from 'pg';
import type { AppServices } from '../../core/context';
import { startPeriodicTask } from '../../core/periodic-task';
import { announceDueStarts } from '../promotions';
import { expireOffers } from './offer-expiry';
import { offersForIdleCarts } from './offer-engine';

export interface OfferTimers {
  /** One round now (tests with a controlled clock call it after moving the clock). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The offers' clock-driven work, every `intervalMs`: expiry, the engine's time triggers (idle carts), and
 * the promotions module's announcement of the promotions whose start has come (its table, its step: the
 * offers follow from its `promotion.started`). Each step is a bounded batch under SKIP LOCKED, so several
 * workers may run it.
 */
export function startOfferTimers(app: AppServices, { intervalMs, databaseUrl }: { intervalMs: number; databaseUrl: string }): OfferTimers {
  // Its own connection: the timers' statements stay off the app's pool and its statement count.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'zoco-offer-timers' });
  pool.on('error', (err) => app.log.warn({ err }, 'offer timers lost an idle database connection'));
  const query = (sql: string, parameters: unknown[]) => pool.query(sql, parameters);
  const round = async () => {
    await expireOffers(app, query);
    await announceDueStarts(app, query);
    await offersForIdleCarts(app, query);
  };
  const task = startPeriodicTask({ name: 'offer timers', intervalMs, log: app.log, round, failed: undefined });
  return {
    tick: task.run,
    async stop() {
      await task.stop();
      await pool.end();
    },
  };
}
