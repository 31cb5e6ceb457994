import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every index of `touchpoint_event` is paid on each inserted event (eventsTrack, issue 10: ≥ 5,000 events/s).
 * A customer's events had two: (customer_id, type, occurred_at) for reads by customer, and the unique
 * (customer_id, client_event_id) for dedupe, partial on a client id. One unique index on
 * (customer_id, client_event_id) over all of a customer's events serves both: dedupe as before (NULL
 * client ids never conflict), and every read by customer (recompute, erasure, the offer engine's
 * counts) by its leading column. Measured in bench/RESULTS.md (events-bench).
 */
export class TouchpointEventIndexes1764240000000 implements MigrationInterface {
  name = 'TouchpointEventIndexes1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX touchpoint_event_customer_client_idx ON touchpoint_event (customer_id, client_event_id) WHERE customer_id IS NOT NULL;
      DROP INDEX touchpoint_event_customer_dedupe_idx;
      DROP INDEX touchpoint_event_customer_idx;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX touchpoint_event_customer_idx ON touchpoint_event (customer_id, type, occurred_at);
      CREATE UNIQUE INDEX touchpoint_event_customer_dedupe_idx ON touchpoint_event (customer_id, client_event_id)
        WHERE customer_id IS NOT NULL AND client_event_id IS NOT NULL;
      DROP INDEX touchpoint_event_customer_client_idx;
    `);
  }
}
