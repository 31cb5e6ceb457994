import type { MigrationInterface, QueryRunner } from 'typeorm';

/** log2 of a sale's TRENDING term as reviews/trending.ts wrote it here (weight 5 per unit, half-life 72 h). */
const term = (units: string, at: string) =>
  `(ln(5 * abs(${units})) / ln(2) + extract(epoch FROM ${at} - timestamptz '2026-01-01T00:00:00Z')::float8 / 259200)`;

/**
 * Units sold get one owner: the reviews module's `product_popularity.sales_count`, kept per order by
 * reviews/sales-count.ts (paid units less cancelled orders and returned goods; replacements are no sales),
 * and copied into `search_product.sales_count` by a trigger, as likes already are. Before, reviews counted
 * paid units and never took them back, while search recounted every order of a product on each event.
 *
 * popularity_counted_sale holds what each order counts per product, so a reconcile only writes the
 * difference. The backfill fills it from the orders, moves TRENDING by the difference between what was
 * counted (every order.paid delivered so far, in full) and what counts now, at each order's payment time,
 * then sets both copies of sales_count.
 */
export class SalesCountOwner1764275000000 implements MigrationInterface {
  name = 'SalesCountOwner1764275000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE popularity_counted_sale (
        order_id uuid NOT NULL,
        product_id uuid NOT NULL,
        units integer NOT NULL CHECK (units > 0),
        PRIMARY KEY (order_id, product_id)
      );
      INSERT INTO popularity_counted_sale (order_id, product_id, units)
      SELECT o.id, ol.product_id, sum(greatest(ol.quantity - coalesce(r.units, 0), 0))::int
        FROM orders o JOIN order_line ol ON ol.order_id = o.id
        LEFT JOIN (SELECT cl.order_line_id, sum(cl.quantity) AS units FROM complaint_line cl
                     JOIN complaint_return cr ON cr.complaint_id = cl.complaint_id
                    WHERE cr.state IN ('received', 'refunded') GROUP BY cl.order_line_id) r ON r.order_line_id = ol.id
       WHERE o.state IN ('paid', 'fulfilled', 'delivered') AND o.replaces_order_id IS NULL
       GROUP BY o.id, ol.product_id
      HAVING sum(greatest(ol.quantity - coalesce(r.units, 0), 0)) > 0;

      CREATE TEMPORARY TABLE sales_change AS
      WITH old AS (
        SELECT o.id AS order_id, ol.product_id, sum(ol.quantity)::int AS units
          FROM popularity_counted_order pco JOIN orders o ON o.id = pco.order_id AND o.paid_at IS NOT NULL
          JOIN order_line ol ON ol.order_id = o.id
         GROUP BY o.id, ol.product_id
      ), diff AS (
        SELECT coalesce(n.order_id, old.order_id) AS order_id, coalesce(n.product_id, old.product_id) AS product_id,
               coalesce(n.units, 0) - coalesce(old.units, 0) AS d
          FROM popularity_counted_sale n FULL JOIN old ON old.order_id = n.order_id AND old.product_id = n.product_id
      ), t AS (
        SELECT diff.product_id, diff.d > 0 AS added, ${term('diff.d', 'o.paid_at')} AS t
          FROM diff JOIN orders o ON o.id = diff.order_id WHERE diff.d <> 0
      ), m AS (
        SELECT product_id, added, t, max(t) OVER (PARTITION BY product_id, added) AS top FROM t
      )
      -- log2 of the sum of the added (removed) terms, as a log-sum-exp: finite for any payment time.
      SELECT product_id, max(top) FILTER (WHERE added) + ln(sum(power(2::float8, t - top)) FILTER (WHERE added)) / ln(2) AS plus,
             max(top) FILTER (WHERE NOT added) + ln(sum(power(2::float8, t - top)) FILTER (WHERE NOT added)) / ln(2) AS minus
        FROM m GROUP BY product_id;

      INSERT INTO product_popularity (product_id) SELECT product_id FROM sales_change ON CONFLICT DO NOTHING;
      UPDATE product_popularity pp SET trending_score = CASE WHEN c.plus IS NULL THEN pp.trending_score
          ELSE greatest(pp.trending_score, c.plus) + ln(1 + power(2::float8, least(pp.trending_score, c.plus) - greatest(pp.trending_score, c.plus))) / ln(2) END
        FROM sales_change c WHERE c.product_id = pp.product_id;
      UPDATE product_popularity pp SET trending_score = CASE WHEN c.minus IS NULL THEN pp.trending_score
          WHEN c.minus >= pp.trending_score - 1e-9 THEN '-Infinity'::float8
          ELSE pp.trending_score + ln(1 - power(2::float8, c.minus - pp.trending_score)) / ln(2) END
        FROM sales_change c WHERE c.product_id = pp.product_id;
      DROP TABLE sales_change;

      UPDATE product_popularity pp SET sales_count = coalesce(s.units, 0)
        FROM product_popularity p2
        LEFT JOIN (SELECT product_id, sum(units)::int AS units FROM popularity_counted_sale GROUP BY product_id) s ON s.product_id = p2.product_id
       WHERE p2.product_id = pp.product_id AND pp.sales_count <> coalesce(s.units, 0);
      ALTER TABLE product_popularity ADD CONSTRAINT product_popularity_sales_count_check CHECK (sales_count >= 0);

      -- Likes and units sold reach search in the writer's transaction (the trigger of 1764180000000, widened).
      DROP TRIGGER search_product_likes ON product_popularity;
      DROP FUNCTION search_product_likes_sync();
      CREATE FUNCTION search_product_popularity_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE search_product SET like_count = NEW.like_count, sales_count = NEW.sales_count
         WHERE product_id = NEW.product_id AND (like_count <> NEW.like_count OR sales_count <> NEW.sales_count);
        RETURN NULL;
      END $$;
      CREATE TRIGGER search_product_popularity AFTER INSERT OR UPDATE OF like_count, sales_count ON product_popularity
        FOR EACH ROW EXECUTE FUNCTION search_product_popularity_sync();
      UPDATE search_product sp SET sales_count = coalesce(pp.sales_count, 0)
        FROM search_product s2 LEFT JOIN product_popularity pp ON pp.product_id = s2.product_id
       WHERE s2.product_id = sp.product_id AND sp.sales_count <> coalesce(pp.sales_count, 0);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The recounted sales_count and trending_score stay as up left them: the old counts cannot be rebuilt.
    await q.query(`
      DROP TRIGGER search_product_popularity ON product_popularity;
      DROP FUNCTION search_product_popularity_sync();
      CREATE FUNCTION search_product_likes_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE search_product SET like_count = NEW.like_count WHERE product_id = NEW.product_id AND like_count <> NEW.like_count;
        RETURN NULL;
      END $$;
      CREATE TRIGGER search_product_likes AFTER INSERT OR UPDATE OF like_count ON product_popularity
        FOR EACH ROW EXECUTE FUNCTION search_product_likes_sync();
      ALTER TABLE product_popularity DROP CONSTRAINT product_popularity_sales_count_check;
      DROP TABLE popularity_counted_sale;
    `);
  }
}
