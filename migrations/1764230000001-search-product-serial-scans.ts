import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No parallel scans of search_product. A search's statements are many at a time and each reads only the
 * matching rows through the GIN index; for a word of a few thousand matches PostgreSQL priced a parallel
 * sequential scan of the whole table below that (`lampara` on the large seed: 3 processes reading all
 * 7,400 pages, 180–200 ms for the sellers facet, against a bitmap scan of the 6k matches' pages).
 */
export class SearchProductSerialScans1764230000001 implements MigrationInterface {
  name = 'SearchProductSerialScans1764230000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE search_product SET (parallel_workers = 0)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE search_product RESET (parallel_workers)');
  }
}
