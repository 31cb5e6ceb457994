import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One leaky bucket of cost points per client, shared by every instance (issue 9; src/server/throttle-store.ts).
 * UNLOGGED: a bucket is worth no WAL (no write-ahead log per request); after a crash or a failover the
 * buckets start full. fillfactor leaves room on each page for the update of every request to be HOT.
 */
export class ThrottleBuckets1764000000000 implements MigrationInterface {
  name = 'ThrottleBuckets1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE throttle_bucket (
        client text PRIMARY KEY,
        level double precision NOT NULL,
        updated_at timestamptz NOT NULL,
        accepted boolean NOT NULL
      ) WITH (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE throttle_bucket');
  }
}
