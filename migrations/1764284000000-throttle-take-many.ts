import type { MigrationInterface, QueryRunner } from 'typeorm';

// The level after a refund and the leak since the last update, at the database's clock, which every instance shares.
const LEAKED = 'greatest(0, b.level - refunds[i] - rates[i] * extract(epoch FROM now() - b.updated_at)::float8)';

/**
 * The throttle's takes as one statement per batch (src/server/throttle-store.ts): each item pours its cost into
 * its client's bucket if it fits (after its refund and the leak), in the order given, so two takes of one client
 * in one batch see each other as two statements would. Callers sort a batch by client, keeping each client's
 * takes in order: batches running at once lock their buckets in the same order.
 */
export class ThrottleTakeMany1764284000000 implements MigrationInterface {
  name = 'ThrottleTakeMany1764284000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION throttle_take_many(clients text[], costs float8[], refunds float8[], capacities float8[], rates float8[])
      RETURNS TABLE (level float8, accepted boolean) LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      BEGIN
        FOR i IN 1 .. coalesce(array_length(clients, 1), 0) LOOP
          RETURN QUERY
            INSERT INTO throttle_bucket AS b (client, level, updated_at, accepted)
            VALUES (clients[i], CASE WHEN costs[i] <= capacities[i] THEN costs[i] ELSE 0 END, now(), costs[i] <= capacities[i])
            ON CONFLICT (client) DO UPDATE SET
              level = CASE WHEN ${LEAKED} + costs[i] <= capacities[i] THEN ${LEAKED} + costs[i] ELSE ${LEAKED} END,
              accepted = ${LEAKED} + costs[i] <= capacities[i],
              updated_at = now()
            RETURNING b.level, b.accepted;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION throttle_take_many(text[], float8[], float8[], float8[], float8[])');
  }
}
