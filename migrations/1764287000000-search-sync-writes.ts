import type { MigrationInterface, QueryRunner } from 'typeorm';

// The document as migration 1764140000000 derives it from a product row `p`.
const DOCUMENT = `setweight(to_tsvector(search_config(p.language), search_fold(p.title)), 'A')
                 || setweight(to_tsvector('pg_catalog.simple', search_fold(p.title)), 'B')
                 || setweight(to_tsvector(search_config(p.language), search_fold(left(p.description, 4000))), 'C')`;

const SYNC_COLUMNS = `category_id = excluded.category_id,
          seller_ids = excluded.seller_ids, conditions = excluded.conditions, min_price = excluded.min_price,
          in_stock = excluded.in_stock, created_at = excluded.created_at, searchable = excluded.searchable`;

/** search_product_updated's vocabulary step, unchanged by this migration (as migration 1764140000000 wrote it). */
const VOCABULARY_APPLY = `PERFORM search_vocabulary_apply(
          ARRAY(SELECT n.title FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n.status = 'active' AND (o.status <> 'active' OR o.title <> n.title)),
          ARRAY(SELECT o.title FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE o.status = 'active' AND (n.status <> 'active' OR o.title <> n.title)));`;

const SYNC_FROM = `FROM product p
          LEFT JOIN LATERAL (
            SELECT array_agg(DISTINCT l.seller_id) AS seller_ids, array_agg(DISTINCT l.condition) AS conditions
              FROM listing l JOIN seller s ON s.id = l.seller_id
             WHERE l.product_id = p.id AND l.status = 'active' AND s.status = 'active'
          ) l ON true`;

/**
 * Search's copies written only when they change, and in sets (issue 14, bench/RESULTS.md section `checkout-db2`).
 *
 * 1. Units sold and likes (`product_popularity` → `search_product`): a statement trigger over the statement's
 *    new rows instead of a row trigger. The sales handler writes a batch of products in one statement; the row
 *    trigger ran one UPDATE per product (a plan and an executor start each, ~0.4 ms a row under the checkout
 *    bench, and `search_product_sales_idx` makes every such update non-HOT: all four indexes, both GIN ones
 *    included, take new entries), where one UPDATE over the batch costs ~0.1 ms a row (psql, 60 rows: 0.15 ms
 *    against 0.55 ms a row). Rows are locked in product id order first, as the row trigger met them (the
 *    batch's upsert goes in id order), so it never holds search rows in another order than product updates do.
 *    Transition tables cannot go with a column list (UPDATE OF), so every UPDATE of product_popularity fires it:
 *    a view's count costs one more statement that finds nothing changed.
 * 2. Product updates (`search_product_sync`): the tsvector is derived again only for products whose title,
 *    description or language changed (`retokenize`; NULL: all, as inserts and the bulk load want), others keep
 *    theirs; and a row is written only when something differs. catalog's refreshPrices updates the product on
 *    every stock zero-crossing and listing change: that re-derived the document (three to_tsvector) and wrote
 *    the row even when nothing search keeps had changed.
 */
export class SearchSyncWrites1764287000000 implements MigrationInterface {
  name = 'SearchSyncWrites1764287000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER search_product_popularity ON product_popularity;
      DROP FUNCTION search_product_popularity_sync();
      CREATE FUNCTION search_product_popularity_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        WITH changed AS (
          SELECT sp.product_id, n.like_count, n.sales_count FROM search_product sp JOIN new_rows n ON n.product_id = sp.product_id
           WHERE sp.like_count <> n.like_count OR sp.sales_count <> n.sales_count
           ORDER BY sp.product_id FOR NO KEY UPDATE OF sp)
        UPDATE search_product sp SET like_count = c.like_count, sales_count = c.sales_count
          FROM changed c WHERE sp.product_id = c.product_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER search_product_popularity_inserted AFTER INSERT ON product_popularity REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_product_popularity_sync();
      CREATE TRIGGER search_product_popularity_updated AFTER UPDATE ON product_popularity REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_product_popularity_sync();

      DROP FUNCTION search_product_sync(uuid[]);
      CREATE FUNCTION search_product_sync(ids uuid[], retokenize uuid[] DEFAULT NULL) RETURNS void LANGUAGE sql AS $$
        INSERT INTO search_product AS sp (product_id, document, category_id, seller_ids, conditions, min_price, in_stock, created_at, searchable)
        SELECT p.id,
               CASE WHEN retokenize IS NULL OR p.id = ANY(retokenize) OR kept.document IS NULL THEN ${DOCUMENT} ELSE kept.document END,
               p.category_id, coalesce(l.seller_ids, '{}'), coalesce(l.conditions, '{}'), p.min_price, p.in_stock, p.created_at,
               p.status = 'active' AND l.seller_ids IS NOT NULL
          ${SYNC_FROM}
          LEFT JOIN search_product kept ON kept.product_id = p.id
         WHERE p.id = ANY(ids)
         ORDER BY p.id
        ON CONFLICT (product_id) DO UPDATE SET document = excluded.document, ${SYNC_COLUMNS}
         WHERE (sp.document, sp.category_id, sp.seller_ids, sp.conditions, sp.min_price, sp.in_stock, sp.created_at, sp.searchable)
               IS DISTINCT FROM (excluded.document, excluded.category_id, excluded.seller_ids, excluded.conditions,
                                 excluded.min_price, excluded.in_stock, excluded.created_at, excluded.searchable)
      $$;
      CREATE OR REPLACE FUNCTION search_product_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM search_product_sync(ARRAY(SELECT id FROM new_rows),
          ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE (n.title, n.description, n.language) IS DISTINCT FROM (o.title, o.description, o.language)));
        ${VOCABULARY_APPLY}
        RETURN NULL;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The functions and trigger as migrations 1764140000000 and 1764275000000 made them.
    await q.query(`
      DROP TRIGGER search_product_popularity_inserted ON product_popularity;
      DROP TRIGGER search_product_popularity_updated ON product_popularity;
      DROP FUNCTION search_product_popularity_sync();
      CREATE FUNCTION search_product_popularity_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE search_product SET like_count = NEW.like_count, sales_count = NEW.sales_count
         WHERE product_id = NEW.product_id AND (like_count <> NEW.like_count OR sales_count <> NEW.sales_count);
        RETURN NULL;
      END $$;
      CREATE TRIGGER search_product_popularity AFTER INSERT OR UPDATE OF like_count, sales_count ON product_popularity
        FOR EACH ROW EXECUTE FUNCTION search_product_popularity_sync();

      CREATE OR REPLACE FUNCTION search_product_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM search_product_sync(ARRAY(SELECT id FROM new_rows));
        ${VOCABULARY_APPLY}
        RETURN NULL;
      END $$;
      DROP FUNCTION search_product_sync(uuid[], uuid[]);
      CREATE FUNCTION search_product_sync(ids uuid[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO search_product AS sp (product_id, document, category_id, seller_ids, conditions, min_price, in_stock, created_at, searchable)
        SELECT p.id, ${DOCUMENT},
               p.category_id, coalesce(l.seller_ids, '{}'), coalesce(l.conditions, '{}'), p.min_price, p.in_stock, p.created_at,
               p.status = 'active' AND l.seller_ids IS NOT NULL
          ${SYNC_FROM}
         WHERE p.id = ANY(ids)
         ORDER BY p.id
        ON CONFLICT (product_id) DO UPDATE SET document = excluded.document, ${SYNC_COLUMNS}
      $$;
    `);
  }
}
