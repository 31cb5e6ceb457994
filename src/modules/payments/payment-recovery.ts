import { startPeriodicTask } from '../../core/periodic-task';
import { isDatabaseUnavailable } from '../../db/pg-errors';
import { settlePayment, type PaymentHost } from './payment-ledger';

export interface PaymentRecovery {
  /** One sweep now; resolves with what it settled. */
  sweep(): Promise<{ captured: number; voided: number }>;
  stop(): Promise<void>;
}

/**
 * Finishes what a crash (or a provider outage) left half done, at start and then every `intervalMs`:
 * an `authorized` row belongs to a committed checkout and is captured; a `pending` row no transaction
 * holds belongs to a checkout that never committed and is voided. Rows younger than `graceMs` are left
 * alone: a live request holds its row from just after opening it until its transaction ends, and the
 * grace covers that first instant. Each row is locked with SKIP LOCKED, so several instances may sweep.
 */
export function startPaymentRecovery(ctx: PaymentHost, { intervalMs, graceMs = intervalMs }: { intervalMs: number; graceMs?: number }): PaymentRecovery {
  async function round(stopped: () => boolean) {
    const done = { captured: 0, voided: 0 };
    for (;;) {
      const rows: { id: string }[] = await ctx.db.query(
        `SELECT id FROM payment WHERE status IN ('pending', 'authorized') AND updated_at < now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT 100`,
        [graceMs / 1000],
      );
      let settled = 0;
      for (const { id } of rows) {
        if (stopped()) return done;
        try {
          const outcome = await settlePayment(ctx, id);
          if (outcome) {
            done[outcome]++;
            settled++;
          }
        } catch (err) {
          if (isDatabaseUnavailable(err)) throw err;
          ctx.log.error({ err, paymentId: id }, 'payment recovery could not settle a payment; the next sweep retries');
        }
      }
      // A full page of which nothing could be settled (held or failing) would loop: the next sweep retries.
      if (rows.length < 100 || settled === 0) break;
    }
    if (done.captured || done.voided) ctx.log.info(done, 'payment recovery settled payments left by a crash or an outage');
    return done;
  }

  const task = startPeriodicTask({ name: 'payment recovery', intervalMs, log: ctx.log, round, failed: { captured: 0, voided: 0 }, runAtStart: true });
  return { sweep: task.run, stop: task.stop };
}
