import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE seller (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        legal_name text,
        tax_id text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        suspended_reason text,
        rating numeric(3, 2) NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        rating_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX seller_page_idx ON seller (created_at DESC, id DESC);

      CREATE TABLE seller_api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL REFERENCES seller (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX seller_api_key_seller_idx ON seller_api_key (seller_id);

      CREATE TABLE category (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        parent_id uuid REFERENCES category (id),
        path text NOT NULL,
        position integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX category_path_idx ON category (path text_pattern_ops);
      CREATE INDEX category_parent_idx ON category (parent_id);

      CREATE TABLE product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        category_id uuid REFERENCES category (id),
        images jsonb NOT NULL DEFAULT '[]',
        attributes jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'archived')),
        created_by_seller_id uuid REFERENCES seller (id),
        -- Denormalised from the visible listings (active listing of an active seller), kept in the
        -- same transaction as every listing change, so sorting and filtering need no aggregate.
        min_price bigint,
        max_price bigint,
        in_stock boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX product_newest_idx ON product (created_at DESC, id DESC) WHERE status = 'active';
      CREATE INDEX product_price_asc_idx ON product ((coalesce(min_price, 9007199254740991)), id) WHERE status = 'active';
      CREATE INDEX product_price_desc_idx ON product ((coalesce(min_price, -1)) DESC, id DESC) WHERE status = 'active';
      CREATE INDEX product_title_idx ON product (lower(title), id) WHERE status = 'active';
      CREATE INDEX product_category_idx ON product (category_id);
      CREATE INDEX product_creator_idx ON product (created_by_seller_id);

      CREATE TABLE product_variant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES product (id),
        title text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        gtin text UNIQUE CHECK (gtin ~ '^[0-9]{8}$|^[0-9]{12,14}$'),
        position integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX product_variant_product_idx ON product_variant (product_id, position, id);

      CREATE TABLE listing (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL REFERENCES seller (id),
        variant_id uuid NOT NULL REFERENCES product_variant (id),
        product_id uuid NOT NULL REFERENCES product (id),
        sku text NOT NULL,
        price bigint NOT NULL CHECK (price >= 0),
        compare_at_price bigint CHECK (compare_at_price >= 0),
        currency char(3) NOT NULL,
        stock integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
        condition text NOT NULL DEFAULT 'new' CHECK (condition IN ('new', 'refurbished', 'used')),
        handling_days integer NOT NULL DEFAULT 1 CHECK (handling_days BETWEEN 0 AND 60),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX listing_seller_sku_idx ON listing (seller_id, sku) WHERE status = 'active';
      CREATE UNIQUE INDEX listing_seller_variant_condition_idx ON listing (seller_id, variant_id, condition) WHERE status = 'active';
      CREATE INDEX listing_product_idx ON listing (product_id);
      CREATE INDEX listing_seller_page_idx ON listing (seller_id, created_at DESC, id DESC);

      CREATE TABLE customer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        locale text NOT NULL DEFAULT 'en',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX customer_email_idx ON customer (lower(email));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customer, listing, product_variant, product, category, seller_api_key, seller');
  }
}
