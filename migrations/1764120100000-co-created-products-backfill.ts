import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks the products made from co-creation proposals before products recorded the plugin that created
 * them. The co-creation plugin did this in its own migration (CoCreatedProducts1763950100000), but a
 * plugin migration may only touch the plugin's own tables now (issue 15): the core owns `product`, so
 * the core does it. A no-op where the plugin was never offered, or where its migration already ran.
 */
export class CoCreatedProductsBackfill1764120100000 implements MigrationInterface {
  name = 'CoCreatedProductsBackfill1764120100000';

  async up(q: QueryRunner): Promise<void> {
    const [{ present }] = await q.query(`SELECT to_regclass('co_creation_proposal') IS NOT NULL AS present`);
    if (!present) return;
    await q.query(`
      UPDATE product p SET created_by_plugin = 'co-creation'
        FROM co_creation_proposal c
       WHERE c.product_id = p.id AND p.created_by_plugin IS NULL`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the column belongs to ProductCreatedByPlugin1763950000000.
  }
}
