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
  let running: Promise<{ captured: number; voided: number }> | null = null;
  let stopped = false;

  async function round() {
    const done = { captured: 0, voided: 0 };
    for (;;) {
      const rows: { id: string }[] = await ctx.db.query(
        `SELECT id FROM payment WHERE status IN ('pending', 'authorized') AND updated_at < now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT 100`,
        [graceMs / 1000],
      );
      let settled = 0;
      for (const { id } of rows) {
        if (stopped) return done;
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

  function sweep() {
    running ??= round()
      .catch((err: unknown) => {
        if (stopped) return { captured: 0, voided: 0 };
        if (isDatabaseUnavailable(err)) ctx.log.warn({ err }, 'payment recovery paused: database unavailable; the next sweep retries');
        else ctx.log.error({ err }, 'payment recovery sweep failed; the next sweep retries');
        return { captured: 0, voided: 0 };
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
