import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Category pages in every sort read one category's products in order, category by category (a root's page
 * takes the first page of each sub-category and merges them: catalog/product-search.ts), so a page costs
 * the same at 5k products as at 1M. Before, a category page found all of a category's products and sorted
 * them (78k rows for a leaf category at 1M products) or walked the whole catalog's sort order skipping other
 * categories (bench/RESULTS.md, section `growth`). Same keys as the storefront's sort indexes, after the category.
 */
export class CategoryPageIndexes1764220000000 implements MigrationInterface {
  name = 'CategoryPageIndexes1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX product_category_newest_idx ON product (category_id, created_at DESC, id DESC) WHERE status = 'active';
      CREATE INDEX product_category_price_asc_idx ON product (category_id, (coalesce(min_price, 9007199254740991)), id) WHERE status = 'active';
      CREATE INDEX product_category_price_desc_idx ON product (category_id, (coalesce(min_price, -1)) DESC, id DESC) WHERE status = 'active';
      CREATE INDEX product_category_title_idx ON product (category_id, lower(title), id) WHERE status = 'active';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX product_category_newest_idx, product_category_price_asc_idx, product_category_price_desc_idx, product_category_title_idx');
  }
}
