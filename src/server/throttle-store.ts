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

// Parameters: $1 client, $2 cost, $3 refund, $4 capacity, $5 restore rate. The level leaks from the time
// of the last update at the database's clock, which every instance shares.
const LEAKED = 'greatest(0, b.level - $3::float8 - $5::float8 * extract(epoch FROM now() - b.updated_at)::float8)';
const TAKE = `
  INSERT INTO throttle_bucket AS b (client, level, updated_at, accepted)
  VALUES ($1, CASE WHEN $2::float8 <= $4::float8 THEN $2::float8 ELSE 0 END, now(), $2::float8 <= $4::float8)
  ON CONFLICT (client) DO UPDATE SET
    level = CASE WHEN ${LEAKED} + $2::float8 <= $4::float8 THEN ${LEAKED} + $2::float8 ELSE ${LEAKED} END,
    accepted = ${LEAKED} + $2::float8 <= $4::float8,
    updated_at = now()
  RETURNING level, accepted`;

const REFUND = `
  UPDATE throttle_bucket b SET level = greatest(0, b.level - r.points)
    FROM unnest($1::text[], $2::float8[]) AS r(client, points)
   WHERE b.client = r.client`;

// After an hour every bucket whose restore rate empties it within the hour is empty: its row says nothing.
const FORGET = `DELETE FROM throttle_bucket WHERE updated_at < now() - interval '1 hour'`;

/**
 * Buckets in PostgreSQL (migration 1764000000000). Its own small pool, so the throttle never waits behind
 * the requests' queries for a connection, and the app's statement counter keeps counting the app's work.
 */
export function postgresBuckets(databaseUrl: string, log: Logger): BucketBackend {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'zoco-throttle' });
  // Idle connections cut by the server: the pool drops them. Unhandled, this event ends the process.
  pool.on('error', (err) => log.warn({ err }, 'throttle lost an idle database connection'));
  return {
    async take(client, cost, refund, { capacity, restoreRate }) {
      // Named: each pooled connection parses and plans it once.
      const { rows } = await pool.query<BucketState>({ name: 'throttle-take', text: TAKE, values: [client, cost, refund, capacity, restoreRate] });
      return rows[0]!;
    },
    async refund(clients, points) {
      await pool.query(REFUND, [clients, points]);
    },
    async forgetIdle() {
      await pool.query(FORGET);
    },
    close: () => pool.end(),
  };
}
