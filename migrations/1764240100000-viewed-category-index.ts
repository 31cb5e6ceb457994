import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * promotionPreview's VIEWED_CATEGORY ("viewed category X at least N times in the last D days",
 * targeting-rule.ts) read every event of every customer (a parallel scan of 400k rows: 166 ms at load 25,
 * bench/RESULTS.md promotion-preview-bench). A partial index over customers' product views by category and
 * time, carrying the customer, answers it from one index range. It costs an index entry per such view;
 * 1764240000000 removed one from every event.
 */
export class ViewedCategoryIndex1764240100000 implements MigrationInterface {
  name = 'ViewedCategoryIndex1764240100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX touchpoint_event_viewed_category_idx ON touchpoint_event (category_id, occurred_at) INCLUDE (customer_id)
        WHERE type = 'PRODUCT_VIEWED' AND customer_id IS NOT NULL
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX touchpoint_event_viewed_category_idx');
  }
}
