import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personalization (issue 10): touchpoint events, the integer aggregates traits are evaluated from, the
 * stored traits and affinities, and the anonymous per-product daily counts kept for everyone. Individual
 * rows (events of a customer, aggregates, traits) exist only for customers with the personalization
 * consent; guests' events are keyed by their visitor id until they sign in (then joined or deleted).
 */
export class Personalization1764100000000 implements MigrationInterface {
  name = 'Personalization1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE touchpoint_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid REFERENCES customer (id) ON DELETE CASCADE,
        visitor_id uuid,
        -- The client's own id of the event (or the server's, e.g. 'order.paid:<order>'): resends are dropped.
        client_event_id text CHECK (length(client_event_id) <= 100),
        type text NOT NULL CHECK (type IN ('PRODUCT_VIEWED', 'SEARCH_PERFORMED', 'LISTING_ADDED_TO_CART', 'CART_VIEWED',
          'CHECKOUT_STARTED', 'PRODUCT_LIKED', 'PRODUCT_SHARED', 'ORDER_PAID', 'CART_LINE_ADDED', 'ORDER_CANCELLED')),
        channel text NOT NULL CHECK (channel IN ('WEB', 'MOBILE', 'STORE', 'SERVER')),
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        product_id uuid,
        listing_id uuid,
        seller_id uuid,
        category_id uuid,
        search_text text CHECK (length(search_text) <= 200),
        source text NOT NULL CHECK (source IN ('client', 'server')),
        -- Server events about orders: the order, its total and its discount (minor units).
        order_id uuid,
        amount bigint,
        discount bigint,
        CHECK (customer_id IS NOT NULL OR visitor_id IS NOT NULL)
      );
      CREATE INDEX touchpoint_event_customer_idx ON touchpoint_event (customer_id, type, occurred_at);
      CREATE INDEX touchpoint_event_visitor_idx ON touchpoint_event (visitor_id) WHERE visitor_id IS NOT NULL AND customer_id IS NULL;
      CREATE UNIQUE INDEX touchpoint_event_customer_dedupe_idx ON touchpoint_event (customer_id, client_event_id)
        WHERE customer_id IS NOT NULL AND client_event_id IS NOT NULL;
      CREATE UNIQUE INDEX touchpoint_event_visitor_dedupe_idx ON touchpoint_event (visitor_id, client_event_id)
        WHERE customer_id IS NULL AND client_event_id IS NOT NULL;

      -- Resends of events kept only as aggregates (no consent) are recognised by a keyed one-way digest of
      -- (subject, client id), not by who sent them. Events older than the accepted skew are refused anyway,
      -- so a digest is forgotten after that window.
      CREATE TABLE touchpoint_seen (
        digest bytea PRIMARY KEY,
        seen_on date NOT NULL DEFAULT current_date
      );
      CREATE INDEX touchpoint_seen_day_idx ON touchpoint_seen (seen_on);

      -- Anonymous: how often each product was viewed, added, bought ... per day. Never who.
      CREATE TABLE product_daily_touchpoints (
        product_id uuid NOT NULL,
        day date NOT NULL,
        type text NOT NULL,
        count integer NOT NULL CHECK (count >= 0),
        PRIMARY KEY (product_id, day, type)
      );

      -- Integer aggregates per consenting customer and day: traits are a pure function of them and a
      -- reference time, so adding events in any order (incremental) equals rebuilding them (recompute).
      CREATE TABLE customer_category_day (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        category_id uuid NOT NULL,
        day date NOT NULL,
        weight integer NOT NULL,
        PRIMARY KEY (customer_id, category_id, day)
      );
      CREATE TABLE customer_seller_day (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        seller_id uuid NOT NULL,
        day date NOT NULL,
        weight integer NOT NULL,
        PRIMARY KEY (customer_id, seller_id, day)
      );
      CREATE TABLE customer_channel_day (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        channel text NOT NULL,
        day date NOT NULL,
        events integer NOT NULL,
        PRIMARY KEY (customer_id, channel, day)
      );
      CREATE TABLE customer_order_fact (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        order_id uuid NOT NULL,
        paid_at timestamptz NOT NULL,
        total bigint NOT NULL,
        discount bigint NOT NULL DEFAULT 0,
        cancelled boolean NOT NULL DEFAULT false,
        PRIMARY KEY (customer_id, order_id)
      );

      CREATE TABLE customer_trait (
        customer_id uuid PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
        last_order_at timestamptz,
        orders_365 integer NOT NULL DEFAULT 0,
        monetary_365 bigint NOT NULL DEFAULT 0,
        avg_order_value bigint NOT NULL DEFAULT 0,
        predicted_value_12m bigint NOT NULL DEFAULT 0,
        churn_risk real NOT NULL DEFAULT 0,
        price_sensitivity real NOT NULL DEFAULT 0.5,
        last_seen_at timestamptz,
        channel_mix jsonb NOT NULL DEFAULT '{}',
        -- The reference time the stored values were evaluated at (the last update).
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX customer_trait_churn_idx ON customer_trait (churn_risk);
      CREATE INDEX customer_trait_value_idx ON customer_trait (predicted_value_12m);

      CREATE TABLE customer_category_affinity (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        category_id uuid NOT NULL,
        score real NOT NULL,
        PRIMARY KEY (customer_id, category_id)
      );
      CREATE INDEX customer_category_affinity_category_idx ON customer_category_affinity (category_id, score);
      CREATE TABLE customer_seller_affinity (
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        seller_id uuid NOT NULL,
        score real NOT NULL,
        PRIMARY KEY (customer_id, seller_id)
      );
      CREATE INDEX customer_seller_affinity_seller_idx ON customer_seller_affinity (seller_id, score);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE customer_seller_affinity, customer_category_affinity, customer_trait, customer_order_fact,
        customer_channel_day, customer_seller_day, customer_category_day, product_daily_touchpoints,
        touchpoint_seen, touchpoint_event;
    `);
  }
}
