import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which plugin created a product for its seller (through `scope.createProduct`), if any: a plugin's
 * fields on Product can then answer null for every other product without a query.
 */
export class ProductCreatedByPlugin1763950000000 implements MigrationInterface {
  name = 'ProductCreatedByPlugin1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE product ADD COLUMN created_by_plugin text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE product DROP COLUMN created_by_plugin');
  }
}
