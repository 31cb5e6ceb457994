import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two stored generated columns of search_product, kept by PostgreSQL itself (whoever writes the columns they
 * read updates them), that a search would otherwise compute on every match.
 *
 * popularity: the multiplier of text rank in RELEVANCE (search.rows.ts, README "Ranking"), the float8
 * expression a page evaluated per match. Its availability factor was written `THEN 1 ELSE 0.5`, a numeric
 * cast to float8 (through text) on every match; 1 and 0.5 are exact in both, so scores and cursors are bit
 * for bit what they were. On the large seed (`premium`, 12k matches, best of 150 runs on the loaded machine)
 * the page's ranking went from 9.5 ms (8.2 with float8 constants) to 7.5 ms, against the floor's 7.0.
 *
 * facet_key: a row's small facets packed in one integer, so that a search's counts group its matches by
 * (category_id, facet_key) — a few hundred groups — instead of evaluating fifteen FILTERed counts on every
 * match (search-facets.ts decodes it; it owns the layout).
 *
 *   bit 0      in stock
 *   bits 1–3   the conditions of visible listings: new, refurbished, used
 *   bits 4–6   the rating bucket: 4 if rating_average >= 4, 3 if >= 3, 2 if >= 2, 1 if >= 1, else 0 (none)
 *   bits 7–9   the lowest-price bucket: 0 below 10.00, then [10, 25), [25, 50), [50, 100), [100, 200),
 *              [200, 500) and 6 from 500.00 up (minor units ÷ 100); 7 without a price
 *
 * Measured on the large seed (`premium`, 12k matches, backend CPU per statement on the loaded machine):
 * the whole counting statement from 17 to 13 ms. Changing a bound or a condition means a new
 * migration that redefines the column, and search-facets.ts with it (the facet test counts by brute force).
 *
 * Adding them rewrites search_product once (seconds for 100k rows, under an exclusive lock).
 */
export class SearchStoredColumns1764272000000 implements MigrationInterface {
  name = 'SearchStoredColumns1764272000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE search_product
        ADD COLUMN popularity float8 NOT NULL GENERATED ALWAYS AS (
          (1 + 0.15 * ln(1 + sales_count) + 0.1 * ln(1 + like_count)
            + coalesce(0.1 * (rating_average - 3) * least(rating_count, 20) / 20.0, 0))
          * CASE WHEN in_stock THEN 1::float8 ELSE 0.5::float8 END
        ) STORED,
        ADD COLUMN facet_key smallint NOT NULL GENERATED ALWAYS AS ((
          in_stock::int
        + (conditions @> '{new}')::int * 2
        + (conditions @> '{refurbished}')::int * 4
        + (conditions @> '{used}')::int * 8
        + CASE WHEN rating_average >= 4 THEN 4 WHEN rating_average >= 3 THEN 3 WHEN rating_average >= 2 THEN 2
               WHEN rating_average >= 1 THEN 1 ELSE 0 END * 16
        + CASE WHEN min_price IS NULL THEN 7 WHEN min_price < 1000 THEN 0 WHEN min_price < 2500 THEN 1
               WHEN min_price < 5000 THEN 2 WHEN min_price < 10000 THEN 3 WHEN min_price < 20000 THEN 4
               WHEN min_price < 50000 THEN 5 ELSE 6 END * 128
      )::smallint) STORED
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE search_product DROP COLUMN facet_key, DROP COLUMN popularity');
  }
}
