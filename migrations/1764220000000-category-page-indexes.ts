import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Listing pages at any catalog size (bench/RESULTS.md, section `growth`; catalog/product-search.ts):
 *
 * - Category pages read each category's products in order, category by category (a root's page merges its
 *   sub-categories' first pages), from indexes led by the category. Before, a category page walked the whole
 *   catalog's order skipping other categories, or found all of a category's products and sorted them: at
 *   1M products 25k rows for one page of `moda` by price.
 * - The sort indexes carry the columns the filters read (INCLUDE), so that the products a filter skips
 *   (say, those dearer than priceMax) are skipped in the index, without reading their rows: index-only.
 *   TITLE's key is an expression of the title, which an index-only scan cannot rebuild: no INCLUDE there.
 */
const FILTERED = 'INCLUDE (min_price, max_price, in_stock, status)';

export class CategoryPageIndexes1764220000000 implements MigrationInterface {
  name = 'CategoryPageIndexes1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX product_newest_idx, product_price_asc_idx, product_price_desc_idx;
      CREATE INDEX product_newest_idx ON product (created_at DESC, id DESC) ${FILTERED} WHERE status = 'active';
      CREATE INDEX product_price_asc_idx ON product ((coalesce(min_price, 9007199254740991)), id) ${FILTERED} WHERE status = 'active';
      CREATE INDEX product_price_desc_idx ON product ((coalesce(min_price, -1)) DESC, id DESC) ${FILTERED} WHERE status = 'active';
      CREATE INDEX product_category_newest_idx ON product (category_id, created_at DESC, id DESC) ${FILTERED} WHERE status = 'active';
      CREATE INDEX product_category_price_asc_idx ON product (category_id, (coalesce(min_price, 9007199254740991)), id) ${FILTERED} WHERE status = 'active';
      CREATE INDEX product_category_price_desc_idx ON product (category_id, (coalesce(min_price, -1)) DESC, id DESC) ${FILTERED} WHERE status = 'active';
      CREATE INDEX product_category_title_idx ON product (category_id, lower(title), id) WHERE status = 'active';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX product_category_newest_idx, product_category_price_asc_idx, product_category_price_desc_idx, product_category_title_idx,
        product_newest_idx, product_price_asc_idx, product_price_desc_idx;
      CREATE INDEX product_newest_idx ON product (created_at DESC, id DESC) WHERE status = 'active';
      CREATE INDEX product_price_asc_idx ON product ((coalesce(min_price, 9007199254740991)), id) WHERE status = 'active';
      CREATE INDEX product_price_desc_idx ON product ((coalesce(min_price, -1)) DESC, id DESC) WHERE status = 'active';
    `);
  }
}
