import pg from 'pg';
import type { Logger } from 'pino';

/** A bucket's size and how fast it empties. */
export interface BucketPolicy {
  /** Points the bucket holds: the most a client may spend at once. */
  capacity: number;
  /** Points that leak out per second. */
  restoreRate: number;
}

/** A bucket after a request asked to pour its cost in. */
export interface BucketState {
  accepted: boolean;
  /** Points in the bucket now (the cost included when accepted). */
  level: number;
}

export interface BucketStore {
  /**
   * Pours `cost` into the client's bucket if it fits in what has leaked out, atomically across every
   * instance, and applies the refunds this instance holds for the client: one round trip.
   */
  take(client: string, cost: number, policy: BucketPolicy): Promise<BucketState>;
  /** Gives points back (a request's actual cost was below its estimate): applied in the client's next `take`, or within a second. */
  refund(client: string, points: number): void;
  /** Resolves once the store answers, or has failed to (logged: the throttle lets requests through until it answers). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** Where the buckets are kept: PostgreSQL (below) or Redis (throttle-redis.ts). */
export interface BucketBackend {
  take(client: string, cost: number, refund: number, policy: BucketPolicy): Promise<BucketState>;
  /** Many clients' refunds in one round trip. */
  refund(clients: string[], points: number[]): Promise<void>;
  /** Deletes buckets that have long been empty, where they do not expire by themselves. */
  forgetIdle?(): Promise<void>;
  /** Connects, where connecting is not done on the first use. */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

export interface BucketStoreOptions {
  log: Logger;
  /** How often refunds not yet carried by a `take` are written, ms. */
  flushIntervalMs?: number;
  /** How often `forgetIdle` runs, ms. */
  forgetIntervalMs?: number;
}

/** A backend with refunds held in memory until the client's next `take` or the next flush. */
export function createBucketStore(backend: BucketBackend, { log, flushIntervalMs = 1_000, forgetIntervalMs = 5 * 60_000 }: BucketStoreOptions): BucketStore {
  const pending = new Map<string, number>();
  async function flush(): Promise<void> {
    if (!pending.size) return;
    const clients = [...pending.keys()];
    const points = [...pending.values()];
    pending.clear();
    await backend.refund(clients, points);
  }
  let flushing: Promise<void> = Promise.resolve();
  const flushTimer = setInterval(() => {
    flushing = flush().catch((err: unknown) => log.warn({ err }, 'throttle refunds not written'));
  }, flushIntervalMs);
  const forgetTimer = setInterval(() => {
    backend.forgetIdle?.().catch((err: unknown) => log.warn({ err }, 'idle throttle buckets not deleted'));
  }, forgetIntervalMs);
  flushTimer.unref();
  forgetTimer.unref();

  return {
    async take(client, cost, policy) {
      const refund = pending.get(client) ?? 0;
      pending.delete(client);
      return backend.take(client, cost, refund, policy);
    },
    refund(client, points) {
      if (points > 0) pending.set(client, (pending.get(client) ?? 0) + points);
    },
    async ready() {
      await backend.ready?.().catch((err: unknown) => log.warn({ err }, 'the throttle store does not answer: requests pass unthrottled until it does'));
    },
    async stop() {
      clearInterval(flushTimer);
      clearInterval(forgetTimer);
      await flushing;
      await flush().catch((err: unknown) => log.warn({ err }, 'throttle refunds not written'));
      await backend.close();
    },
  };
}

// One batch's takes, in order (migration 1764284000000: the single take's upsert, item by item).
const TAKE_MANY = 'SELECT level, accepted FROM throttle_take_many($1, $2, $3, $4, $5)';

/** The most takes in one statement: a flood's takes go as several statements, on the pool's connections side by side. */
const MAX_BATCH = 100;

interface Take {
  client: string;
  cost: number;
  refund: number;
  policy: BucketPolicy;
  resolve(state: BucketState): void;
  reject(err: unknown): void;
}

// Locks its buckets first, in the order the takes' batches lock theirs (by client, byte by byte), so a flush and a
// batch running at once never wait on each other in a circle.
const REFUND = `
  WITH locked AS (SELECT b.client FROM throttle_bucket b WHERE b.client = ANY($1::text[]) ORDER BY b.client COLLATE "C" FOR NO KEY UPDATE)
  UPDATE throttle_bucket b SET level = greatest(0, b.level - r.points)
    FROM unnest($1::text[], $2::float8[]) AS r(client, points)
   WHERE b.client = r.client AND b.client IN (SELECT client FROM locked)`;

// After an hour every bucket whose restore rate empties it within the hour is empty: its row says nothing.
// Skips the buckets a batch of takes holds: a delete in scan order could otherwise wait on a batch that waits on it.
const FORGET = `DELETE FROM throttle_bucket WHERE client IN (
  SELECT client FROM throttle_bucket WHERE updated_at < now() - interval '1 hour' FOR UPDATE SKIP LOCKED)`;

/**
 * Buckets in PostgreSQL (migration 1764000000000). Its own small pool, so the throttle never waits behind
 * the requests' queries for a connection, and the app's statement counter keeps counting the app's work.
 *
 * The takes that arrive in one turn of the event loop go as one statement (throttle_take_many, migration
 * 1764284000000) once the turn's I/O is handled (setImmediate): the same decisions as one statement each, for one
 * round trip. `npm run bench:throttle` (50 connections, `{ viewer { id } }`: the bucket's statement is all its SQL):
 * a statement per take had added ~250 µs of the app's CPU and ~195 µs of the database's per request; batched,
 * nothing measurable and ~58 µs (bench/RESULTS.md, section throttle-bench).
 */
export function postgresBuckets(databaseUrl: string, log: Logger): BucketBackend {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'zoco-throttle' });
  // Idle connections cut by the server: the pool drops them. Unhandled, this event ends the process.
  pool.on('error', (err) => log.warn({ err }, 'throttle lost an idle database connection'));
  let waiting: Take[] = [];
  const inFlight = new Set<Promise<void>>();
  async function takeMany(batch: Take[]): Promise<void> {
    try {
      // Named: each pooled connection parses and plans it once.
      const { rows } = await pool.query<BucketState>({
        name: 'throttle-take-many',
        text: TAKE_MANY,
        values: [
          batch.map((t) => t.client),
          batch.map((t) => t.cost),
          batch.map((t) => t.refund),
          batch.map((t) => t.policy.capacity),
          batch.map((t) => t.policy.restoreRate),
        ],
      });
      for (const [i, take] of batch.entries()) take.resolve(rows[i]!);
    } catch (err) {
      for (const take of batch) take.reject(err);
    }
  }
  function takeWaiting(): void {
    // By client, each client's takes in their order (a stable sort): every batch locks buckets in the same order.
    const takes = waiting.sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
    waiting = [];
    for (let i = 0; i < takes.length; i += MAX_BATCH) {
      const running = takeMany(takes.slice(i, i + MAX_BATCH));
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    }
  }
  return {
    take: (client, cost, refund, policy) =>
      new Promise<BucketState>((resolve, reject) => {
        if (!waiting.length) setImmediate(takeWaiting);
        waiting.push({ client, cost, refund, policy, resolve, reject });
      }),
    async refund(clients, points) {
      await pool.query(REFUND, [clients, points]);
    },
    async forgetIdle() {
      await pool.query(FORGET);
    },
    async close() {
      // Takes still waiting for their turn's end go now, before the pool closes.
      if (waiting.length) takeWaiting();
      await Promise.all(inFlight);
      await pool.end();
    },
  };
}
