import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every shopper's batch adds to the same rows of popular products in `product_daily_touchpoints`, and a
 * row lock is held to the commit: under load the batches queued behind each other (bench/events.ts,
 * ~6 batches/s). Each transaction now adds to one of 64 shards of a count (chosen at random), so
 * concurrent batches rarely meet; readers sum the shards.
 */
export class ProductTouchpointShards1764100100000 implements MigrationInterface {
  name = 'ProductTouchpointShards1764100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE product_daily_touchpoints ADD COLUMN shard smallint NOT NULL DEFAULT 0 CHECK (shard BETWEEN 0 AND 63);
      ALTER TABLE product_daily_touchpoints DROP CONSTRAINT product_daily_touchpoints_pkey;
      ALTER TABLE product_daily_touchpoints ADD PRIMARY KEY (product_id, day, type, shard);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TEMP TABLE pdt AS SELECT product_id, day, type, sum(count)::int AS count FROM product_daily_touchpoints GROUP BY 1, 2, 3;
      DELETE FROM product_daily_touchpoints;
      ALTER TABLE product_daily_touchpoints DROP CONSTRAINT product_daily_touchpoints_pkey;
      ALTER TABLE product_daily_touchpoints DROP COLUMN shard;
      INSERT INTO product_daily_touchpoints SELECT * FROM pdt;
      ALTER TABLE product_daily_touchpoints ADD PRIMARY KEY (product_id, day, type);
    `);
  }
}
