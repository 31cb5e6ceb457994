import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search (issue 12), all inside PostgreSQL: `unaccent` and `pg_trgm` (both ship with the embedded
 * database and any standard PostgreSQL).
 *
 * - `product.language` ('es' | 'en') decides the stemmer of the product's words.
 * - `search_product` is the search module's index row of each product: the tsvector (title stemmed in the
 *   product's language, weight A; title unstemmed, B, for prefixes; description stemmed, C), and what the
 *   facets and sorts read (category, sellers and conditions of visible listings, lowest price, stock, sales,
 *   and the likes/rating hook columns), so that a search and its facets never join listings. Statement
 *   triggers on product keep it right in the transaction of every write: catalog's refreshPrices updates
 *   the product on every listing, stock and seller-status change, so those reach it too.
 * - `search_vocabulary` holds every word of active products' titles with its product count and stems:
 *   typo correction (trigram nearest neighbours) and as-you-type completion read it.
 * - `search_query_day` counts normalized queries per day for the operator (bounded: see search-insights.ts).
 */
export class Search1764140000000 implements MigrationInterface {
  name = 'Search1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    const [{ schema }] = await q.query(
      `SELECT quote_ident(n.nspname) AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'`,
    );
    await q.query(`
      -- unaccent() is only STABLE (it reads its dictionary by search_path); with the dictionary named by
      -- schema the result is fixed, so this wrapper may be IMMUTABLE and serve indexes and triggers.
      CREATE FUNCTION search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(${schema}.unaccent('${schema}.unaccent'::regdictionary, $1)) $$;

      CREATE FUNCTION search_config(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE language WHEN 'es' THEN 'pg_catalog.spanish'::regconfig ELSE 'pg_catalog.english'::regconfig END $$;

      CREATE FUNCTION search_words(text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT DISTINCT w FROM regexp_split_to_table(search_fold($1), '[^[:alnum:]]+') w WHERE length(w) BETWEEN 2 AND 40 $$;

      ALTER TABLE product ADD COLUMN language text NOT NULL DEFAULT 'es' CHECK (language IN ('es', 'en'));
      UPDATE product SET language = attributes->>'language' WHERE attributes->>'language' IN ('es', 'en');

      CREATE TABLE search_product (
        product_id uuid PRIMARY KEY REFERENCES product (id) ON DELETE CASCADE,
        document tsvector NOT NULL,
        category_id uuid,
        -- Of the visible listings (active listing, active seller): see catalog/listing-visibility.ts.
        seller_ids uuid[] NOT NULL,
        conditions text[] NOT NULL,
        min_price bigint,
        in_stock boolean NOT NULL,
        created_at timestamptz NOT NULL,
        -- An active product with at least one visible listing: the only rows a search returns.
        searchable boolean NOT NULL,
        -- Units sold in paid (not cancelled) orders, kept by the search module's order hooks.
        sales_count integer NOT NULL DEFAULT 0,
        -- Hook for the reviews module (likes, rating): written by it or by a trigger on its tables.
        like_count integer NOT NULL DEFAULT 0,
        rating_average real,
        rating_count integer NOT NULL DEFAULT 0
      );
      CREATE INDEX search_product_document_idx ON search_product USING gin (document) WHERE searchable;
      CREATE INDEX search_product_sales_idx ON search_product (sales_count DESC, product_id DESC) WHERE searchable;

      CREATE FUNCTION search_product_sync(ids uuid[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO search_product AS sp (product_id, document, category_id, seller_ids, conditions, min_price, in_stock, created_at, searchable)
        SELECT p.id,
               setweight(to_tsvector(search_config(p.language), search_fold(p.title)), 'A')
                 || setweight(to_tsvector('pg_catalog.simple', search_fold(p.title)), 'B')
                 || setweight(to_tsvector(search_config(p.language), search_fold(left(p.description, 4000))), 'C'),
               p.category_id, coalesce(l.seller_ids, '{}'), coalesce(l.conditions, '{}'), p.min_price, p.in_stock, p.created_at,
               p.status = 'active' AND l.seller_ids IS NOT NULL
          FROM product p
          LEFT JOIN LATERAL (
            SELECT array_agg(DISTINCT l.seller_id) AS seller_ids, array_agg(DISTINCT l.condition) AS conditions
              FROM listing l JOIN seller s ON s.id = l.seller_id
             WHERE l.product_id = p.id AND l.status = 'active' AND s.status = 'active'
          ) l ON true
         WHERE p.id = ANY(ids)
         ORDER BY p.id
        ON CONFLICT (product_id) DO UPDATE SET document = excluded.document, category_id = excluded.category_id,
          seller_ids = excluded.seller_ids, conditions = excluded.conditions, min_price = excluded.min_price,
          in_stock = excluded.in_stock, created_at = excluded.created_at, searchable = excluded.searchable
      $$;

      CREATE TABLE search_vocabulary (
        word text PRIMARY KEY,
        doc_count integer NOT NULL,
        stem_es text,
        stem_en text
      );
      CREATE INDEX search_vocabulary_trgm_idx ON search_vocabulary USING gist (word gist_trgm_ops);
      CREATE INDEX search_vocabulary_prefix_idx ON search_vocabulary (word text_pattern_ops, doc_count);
      CREATE INDEX search_vocabulary_stem_es_idx ON search_vocabulary (stem_es);
      CREATE INDEX search_vocabulary_stem_en_idx ON search_vocabulary (stem_en);

      -- Adds the words of active titles in 'added', removes those in 'removed' (one row per product).
      -- Only words whose count changes are written (a price or stock update touches none), in word order
      -- so that concurrent writers lock vocabulary rows in the same order.
      CREATE FUNCTION search_vocabulary_apply(added text[], removed text[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO search_vocabulary AS v (word, doc_count, stem_es, stem_en)
        SELECT d.word, d.delta, (ts_lexize('pg_catalog.spanish_stem', d.word))[1], (ts_lexize('pg_catalog.english_stem', d.word))[1]
          FROM (SELECT w.word, sum(w.delta)::int AS delta
                  FROM (SELECT search_words(t) AS word, 1 AS delta FROM unnest(added) t
                        UNION ALL SELECT search_words(t), -1 FROM unnest(removed) t) w
                 GROUP BY w.word HAVING sum(w.delta) <> 0) d
         ORDER BY d.word
        ON CONFLICT (word) DO UPDATE SET doc_count = v.doc_count + excluded.doc_count
      $$;

      CREATE FUNCTION search_product_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM search_product_sync(ARRAY(SELECT id FROM new_rows));
        PERFORM search_vocabulary_apply(ARRAY(SELECT title FROM new_rows WHERE status = 'active'), '{}');
        RETURN NULL;
      END $$;

      CREATE FUNCTION search_product_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM search_product_sync(ARRAY(SELECT id FROM new_rows));
        PERFORM search_vocabulary_apply(
          ARRAY(SELECT n.title FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n.status = 'active' AND (o.status <> 'active' OR o.title <> n.title)),
          ARRAY(SELECT o.title FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE o.status = 'active' AND (n.status <> 'active' OR o.title <> n.title)));
        RETURN NULL;
      END $$;

      CREATE FUNCTION search_product_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM search_vocabulary_apply('{}', ARRAY(SELECT title FROM old_rows WHERE status = 'active'));
        RETURN NULL;
      END $$;

      CREATE TRIGGER search_product_inserted AFTER INSERT ON product REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_product_inserted();
      CREATE TRIGGER search_product_updated AFTER UPDATE ON product REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_product_updated();
      CREATE TRIGGER search_product_deleted AFTER DELETE ON product REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_product_deleted();

      -- Sales per product are summed from order lines by product.
      CREATE INDEX order_line_product_idx ON order_line (product_id);

      CREATE TABLE search_query_day (
        day date NOT NULL,
        query text NOT NULL,
        searches integer NOT NULL,
        zero_results integer NOT NULL,
        PRIMARY KEY (day, query)
      );
      CREATE INDEX search_query_day_searches_idx ON search_query_day (day, searches DESC);
      CREATE TABLE search_query_day_count (
        day date PRIMARY KEY,
        queries integer NOT NULL
      );
    `);
    // Rows that exist already: their index rows and words.
    await q.query('SELECT search_product_sync(ARRAY(SELECT id FROM product))');
    await q.query(`SELECT search_vocabulary_apply(ARRAY(SELECT title FROM product WHERE status = 'active'), '{}')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER search_product_inserted ON product;
      DROP TRIGGER search_product_updated ON product;
      DROP TRIGGER search_product_deleted ON product;
      DROP FUNCTION search_product_inserted(), search_product_updated(), search_product_deleted(),
        search_vocabulary_apply(text[], text[]), search_product_sync(uuid[]);
      DROP TABLE search_query_day_count, search_query_day, search_vocabulary, search_product;
      DROP INDEX order_line_product_idx;
      ALTER TABLE product DROP COLUMN language;
      DROP FUNCTION search_words(text), search_config(text), search_fold(text);
    `);
  }
}
