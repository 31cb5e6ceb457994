import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/pg-errors';

export interface PeriodicTask<T> {
  /** One round now, or the one already running (rounds never overlap). */
  run(): Promise<T>;
  /** No new round starts; resolves when the running one has ended. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions<T> {
  /** Names the task in the log ("payment recovery"). */
  name: string;
  intervalMs: number;
  log: Logger;
  /** One round: bounded batches, safe under several processes running it (SKIP LOCKED); `stopped()` between batches. */
  round: (stopped: () => boolean) => Promise<T>;
  /** What a failed round resolves with. */
  failed: T;
  /** Runs a round at once too, not only after the first interval. */
  runAtStart?: boolean;
}

/**
 * The background steps' timer (payment recovery, complaint deadlines, offer timers): one round at a time,
 * every `intervalMs` on an unref'd timer. A failed round is logged and the next retries it; a database that
 * is away is a warning (it comes back), anything else an error; nothing is logged after stop().
 */
export function startPeriodicTask<T>({ name, intervalMs, log, round, failed, runAtStart = false }: PeriodicTaskOptions<T>): PeriodicTask<T> {
  let running: Promise<T> | null = null;
  let stopped = false;
  const run = (): Promise<T> => {
    if (stopped) return running ?? Promise.resolve(failed);
    running ??= round(() => stopped)
      .catch((err: unknown) => {
        if (!stopped) {
          if (isDatabaseUnavailable(err)) log.warn({ err }, `${name} paused: database unavailable; the next round retries`);
          else log.error({ err }, `${name} failed; the next round retries`);
        }
        return failed;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  if (runAtStart) void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
