import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search reads likes and product ratings from its own row (search_product), so a ranked page needs no
 * join; the reviews module owns the numbers (product_popularity, rating_summary). These triggers copy them
 * over in the writer's own transaction, and the backfill copies what exists.
 */
export class SearchPopularity1764180000000 implements MigrationInterface {
  name = 'SearchPopularity1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION search_product_likes_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE search_product SET like_count = NEW.like_count WHERE product_id = NEW.product_id AND like_count <> NEW.like_count;
        RETURN NULL;
      END $$;
      CREATE TRIGGER search_product_likes AFTER INSERT OR UPDATE OF like_count ON product_popularity
        FOR EACH ROW EXECUTE FUNCTION search_product_likes_sync();
      CREATE FUNCTION search_product_rating_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.subject = 'product' THEN
          UPDATE search_product SET rating_average = NEW.average, rating_count = NEW.review_count
           WHERE product_id = NEW.subject_id AND (rating_average IS DISTINCT FROM NEW.average OR rating_count <> NEW.review_count);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER search_product_rating AFTER INSERT OR UPDATE ON rating_summary
        FOR EACH ROW EXECUTE FUNCTION search_product_rating_sync();
      UPDATE search_product sp SET like_count = pp.like_count FROM product_popularity pp WHERE pp.product_id = sp.product_id;
      UPDATE search_product sp SET rating_average = rs.average, rating_count = rs.review_count
        FROM rating_summary rs WHERE rs.subject = 'product' AND rs.subject_id = sp.product_id;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER search_product_rating ON rating_summary;
      DROP TRIGGER search_product_likes ON product_popularity;
      DROP FUNCTION search_product_rating_sync();
      DROP FUNCTION search_product_likes_sync();
    `);
  }
}
