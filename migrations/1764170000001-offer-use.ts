import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A redeemed offer is honoured by one checkout (issue 16): `used_at` marks the one that took it. */
export class OfferUse1764170000001 implements MigrationInterface {
  name = 'OfferUse1764170000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE offer ADD COLUMN used_at timestamptz;
      CREATE INDEX offer_redeemed_idx ON offer (customer_id) WHERE state = 'REDEEMED' AND used_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX offer_redeemed_idx; ALTER TABLE offer DROP COLUMN used_at');
  }
}
