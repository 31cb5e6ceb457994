import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Marks the products made from proposals before products recorded the plugin that created them. */
export class CoCreatedProducts1763950100000 implements MigrationInterface {
  name = 'CoCreatedProducts1763950100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE product p SET created_by_plugin = 'co-creation'
        FROM co_creation_proposal c
       WHERE c.product_id = p.id AND p.created_by_plugin IS NULL`);
  }

  async down(): Promise<void> {
    // The core migration that added the column drops it.
  }
}
