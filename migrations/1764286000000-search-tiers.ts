import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Popularity tiers of search_product (src/modules/search README "Bounded work"): `tier` 1 holds the most popular
 * searchable products, tier 2 (with tier 1) the next ones, tier 3 every other row (the default: a new product is
 * tier 3 until the tier job, search-tiers.ts, ranks it). Nested, so that a partial GIN index per tier
 * (`tier <= 1`, `tier <= 2`: literal predicates, proved by the planner from a search's literal `sp.tier <= n`)
 * yields a word's matches among the popular products without building the bitmap of all its matches: PostgreSQL's
 * GIN has no ordered scan, and at 1M products `premium`'s bitmap alone was 22 ms.
 *
 * - search_product_popularity_idx: the tier job walks the most popular products (bounded by the tiers' sizes, not
 *   the catalog's); search_product_tiered_idx: the rows now in a tier, so that the job finds those leaving it. Its
 *   predicate is `tier IN (1, 2)`, one a search's `tier <= n` does not imply: with `tier < 3`, PostgreSQL scanned it
 *   (every tiered row, filtered by the words) for a search's tier instead of the tier's GIN index.
 * - search_tier: each tier's size and whether a search uses it (`used`: the tier is a proper part of the searchable
 *   catalog; a catalog no bigger than a tier uses only the full index). Written by the tier job only.
 *
 * Adding the column is no rewrite (a constant default); the tier indexes are empty until the job runs. `tier` in
 * the partial indexes' predicates makes a change of tier a non-HOT update: the job writes only rows whose tier
 * changes.
 */
export class SearchTiers1764286000000 implements MigrationInterface {
  name = 'SearchTiers1764286000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE search_product ADD COLUMN tier smallint NOT NULL DEFAULT 3 CHECK (tier BETWEEN 1 AND 3);
      CREATE INDEX search_product_tier1_idx ON search_product USING gin (document) WHERE searchable AND tier <= 1;
      CREATE INDEX search_product_tier2_idx ON search_product USING gin (document) WHERE searchable AND tier <= 2;
      CREATE INDEX search_product_popularity_idx ON search_product (popularity DESC, product_id DESC) WHERE searchable;
      CREATE INDEX search_product_tiered_idx ON search_product (product_id) WHERE tier IN (1, 2);
      CREATE TABLE search_tier (
        tier smallint PRIMARY KEY CHECK (tier BETWEEN 1 AND 2),
        products int NOT NULL,
        used boolean NOT NULL,
        ranked_at timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE search_tier;
      DROP INDEX search_product_tiered_idx;
      DROP INDEX search_product_popularity_idx;
      DROP INDEX search_product_tier2_idx;
      DROP INDEX search_product_tier1_idx;
      ALTER TABLE search_product DROP COLUMN tier;
    `);
  }
}
