import pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/pg-errors';
import type { DomainEvent, EventType } from './event-types';

/** Handles one event; must be idempotent (delivery is at least once; dedupe on `event.id`). */
export type EventHandler = ((event: DomainEvent) => Promise<void>) | BatchEventHandler;

/**
 * Handles many events in one go (one transaction, set-based SQL): every event of its types claimed in a round,
 * in outbox id order. The same object registered under several types gets them all in one call. Idempotent
 * per event like EventHandler: a batch that fails is delivered again one event at a time, so its events that
 * succeed are handled twice (the batch's work rolled back, or not) and one bad event fails alone.
 */
export interface BatchEventHandler {
  batch(events: DomainEvent[]): Promise<void>;
}

const isBatch = (handler: EventHandler): handler is BatchEventHandler => typeof handler !== 'function';

/**
 * Events claimed per round (one transaction: claim, handle, mark). 500, not 100: each round costs two
 * round trips (BEGIN and the claim; the mark and COMMIT), and bursts of small events (touchpoints, orders) come by the thousand (issue 16).
 */
const ROUND_SIZE = 500;

/** Attempts before an event is parked, by default. */
export const OUTBOX_MAX_ATTEMPTS = 10;

export interface DispatcherOptions {
  databaseUrl: string;
  log: Logger;
  /** By event type; '*' handlers (one event at a time, never batches) get every event (plugins' own events too). */
  handlers: Record<string, EventHandler[]>;
  /** Fallback poll for events committed by other processes or left by a crash; ms. */
  pollIntervalMs?: number;
  /** Attempts before an event is parked (kept, with its last error, for the operator). */
  maxAttempts?: number;
}

export interface Dispatcher {
  /** Asks for a delivery round soon: services call it after committing events. */
  kick(): void;
  /** Resolves when every event committed so far has been handled or has failed this round. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  type: EventType;
  payload: unknown;
  createdAt: Date;
  attempts: number;
}

/**
 * Delivers outbox rows to handlers after commit (the transactional outbox pattern). Rows are claimed
 * with FOR NO KEY UPDATE SKIP LOCKED (a handler inserting a row that references the event, like
 * plugin_retry, takes KEY SHARE and would wait for FOR UPDATE forever), so several processes (`zoco worker`, API instances) can dispatch at once.
 * It uses its own small pool: delivery never competes with requests for connections.
 * A lost connection (failover, restart, pg_terminate_backend) ends the round without marking
 * anything dispatched; the poll retries until the database answers again (issue 8).
 */
export function createDispatcher({ databaseUrl, log, handlers, pollIntervalMs = 1_000, maxAttempts = OUTBOX_MAX_ATTEMPTS }: DispatcherOptions): Dispatcher {
  // Batches are grouped by an event's own type: one under '*' would never be called.
  if ((handlers['*'] ?? []).some(isBatch)) throw new Error("a batch event handler cannot take '*' (every event)");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'zoco-dispatcher' });
  // Idle connections cut by the server: the pool drops them. Unhandled, this event ends the process.
  pool.on('error', (err) => log.warn({ err }, 'event dispatcher lost an idle database connection'));
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

  /**
   * Every handler of every event runs, each isolated from the others' failures: one module's failing hook
   * (or a parked plugin) never keeps the event from the rest. A failed event is retried whole; handlers
   * are idempotent by contract, so those that succeeded see it again and ignore it. Each event's own
   * handlers run first, event after event, '*' last (so subscriptions and plugins hear the round's events
   * without waiting for the batches' work); then the batch handlers, each with its events of the round (per
   * handler, events stay in id order; between handlers there never was an order).
   * Returns each failed event's errors, by index in `events`.
   */
  async function deliver(events: DomainEvent[]): Promise<Map<number, string[]>> {
    const errors = new Map<number, string[]>();
    const fail = (i: number, err: unknown) => errors.set(i, [...(errors.get(i) ?? []), messageOf(err)]);
    const batches = new Map<BatchEventHandler, number[]>();
    events.forEach((event, i) => {
      for (const handler of handlers[event.type] ?? []) {
        if (!isBatch(handler)) continue;
        const mine = batches.get(handler);
        if (mine) mine.push(i);
        else batches.set(handler, [i]);
      }
    });
    for (const [i, event] of events.entries()) {
      for (const handler of [...(handlers[event.type] ?? []), ...(handlers['*'] ?? [])]) {
        if (isBatch(handler)) continue;
        try {
          await handler(event);
        } catch (err) {
          fail(i, err);
        }
      }
    }
    for (const [handler, indexes] of batches) {
      try {
        await handler.batch(indexes.map((i) => events[i]!));
      } catch (err) {
        if (indexes.length === 1) fail(indexes[0]!, err);
        // One at a time, so that one bad event fails alone and the rest are not held back with it.
        else for (const i of indexes) await handler.batch([events[i]!]).catch((e: unknown) => fail(i, e));
      }
    }
    return errors;
  }

  async function round(): Promise<number> {
    const client = await pool.connect();
    // A checked-out client has no listener of the pool's: without ours, a cut connection throws.
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
    };
    client.on('error', onError);
    try {
      // BEGIN, asynchronous commit and the claim in one simple-protocol query (one round trip, not two; its
      // numbers are inlined, simple queries take no parameters). Asynchronous commit: the round's mark is the
      // last commit of the round, after the handlers' (withTransaction's asyncCommit, same argument): WAL is
      // flushed in order, so a crash that loses a handler's commit loses this mark too and the events are
      // delivered again (at least once; handlers are idempotent). The WAL flush wait and its fsync per round
      // were a large part of a quiet shop's cost per purchase (bench/notes-events-cpu.md).
      // Backoff: an event that failed n times waits 2^n seconds (capped at ~17 min) before its next try.
      const claimed = (await client.query(
        `BEGIN; SET LOCAL synchronous_commit = off;
         SELECT id, type, payload, created_at AS "createdAt", attempts FROM outbox
          WHERE dispatched_at IS NULL AND attempts < ${Math.trunc(maxAttempts)}
            AND (attempts = 0 OR created_at + make_interval(secs => least(power(2, attempts), 1024)) < now())
          ORDER BY id LIMIT ${ROUND_SIZE} FOR NO KEY UPDATE SKIP LOCKED`,
      )) as unknown as pg.QueryResult<OutboxRow>[];
      const rows = claimed[2]!.rows;
      const errors = await deliver(rows.map((row) => ({ id: Number(row.id), type: row.type, payload: row.payload, createdAt: row.createdAt }) as DomainEvent));
      const delivered: string[] = [];
      for (const [i, row] of rows.entries()) {
        const error = errors.get(i)?.join('; ');
        if (error === undefined) delivered.push(row.id);
        else {
          log.warn({ eventId: row.id, type: row.type, err: error }, 'event handler failed; will retry');
          await client.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [row.id, error]);
        }
      }
      // The mark and COMMIT in one simple query (one round trip, not two); the ids are the outbox's bigint ids
      // as PostgreSQL sent them (digits only). An error in the UPDATE skips the COMMIT (the catch rolls back).
      if (delivered.some((id) => !/^\d+$/.test(id))) throw new Error('outbox ids must be integers');
      await client.query(delivered.length ? `UPDATE outbox SET dispatched_at = now() WHERE id = ANY('{${delivered.join(',')}}'::bigint[]); COMMIT` : 'COMMIT');
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', onError);
      // With an error the pool discards the client instead of handing a dead connection out again.
      client.release(lost);
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while (!stopped && (await round()) === ROUND_SIZE);
        } while (again && !stopped);
      } catch (err) {
        if (stopped) return;
        if (isDatabaseUnavailable(err)) log.warn({ err }, 'event dispatch paused: database unavailable; the next poll retries');
        else log.error({ err }, 'event dispatch failed');
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const timer = setInterval(() => void run(), pollIntervalMs);
  timer.unref();

  return {
    kick: () => void run(),
    async drain() {
      while (running) await running;
      await run();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
      await pool.end();
    },
  };
}
