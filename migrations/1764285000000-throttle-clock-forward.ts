import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ThrottleTakeMany1764284000000 } from './1764284000000-throttle-take-many';

// A take's statement that started before the one it waited for (its row lock) sees a bucket updated "after" its
// own now(): elapsed time is then negative. Counted as it was, the leak ran backwards (the level rose by rate × the
// gap, a point's fraction that could refuse a take at the bucket's edge and reported one point less available) and
// updated_at moved back in time. Elapsed time is now never negative, and updated_at never goes back.
const LEAKED = 'greatest(0, b.level - refunds[i] - rates[i] * greatest(0, extract(epoch FROM now() - b.updated_at))::float8)';

const TAKE_MANY = `
  CREATE OR REPLACE FUNCTION throttle_take_many(clients text[], costs float8[], refunds float8[], capacities float8[], rates float8[])
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
          updated_at = greatest(b.updated_at, now())
        RETURNING b.level, b.accepted;
    END LOOP;
  END $$`;

/** throttle_take_many (migration 1764284000000) with time that only runs forward. */
export class ThrottleClockForward1764285000000 implements MigrationInterface {
  name = 'ThrottleClockForward1764285000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(TAKE_MANY);
  }

  async down(q: QueryRunner): Promise<void> {
    // The function as migration 1764284000000 made it, from that migration itself.
    await new ThrottleTakeMany1764284000000().down(q);
    await new ThrottleTakeMany1764284000000().up(q);
  }
}
