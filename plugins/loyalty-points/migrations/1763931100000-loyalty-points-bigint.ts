import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Points as bigint: an order of a few million EUR at 1000 points per EUR passes 2^31 points. */
export class LoyaltyPointsBigint1763931100000 implements MigrationInterface {
  name = 'LoyaltyPointsBigint1763931100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE loyalty_points_account ALTER COLUMN balance TYPE bigint;
      ALTER TABLE loyalty_points_entry ALTER COLUMN points TYPE bigint, ALTER COLUMN shortfall TYPE bigint;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE loyalty_points_account ALTER COLUMN balance TYPE integer;
      ALTER TABLE loyalty_points_entry ALTER COLUMN points TYPE integer, ALTER COLUMN shortfall TYPE integer;
    `);
  }
}
