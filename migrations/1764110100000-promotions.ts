import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seller promotions (issue 10): what a promotion gives, to which of the seller's items, to whom (a
 * targeting rule over personalization data, validated and stored as JSON), how it is triggered
 * (automatic, a shared code or single-use generated codes), and what it may spend. `budget_used` moves
 * only under the promotion's row lock inside checkout; the CHECK makes a negative budget impossible.
 */
export class Promotions1764110100000 implements MigrationInterface {
  name = 'Promotions1764110100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE promotion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL REFERENCES seller (id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
        kind text NOT NULL CHECK (kind IN ('PERCENTAGE', 'FIXED_AMOUNT', 'FREE_SHIPPING')),
        percent_off integer CHECK (percent_off BETWEEN 1 AND 100),
        amount_off bigint CHECK (amount_off > 0),
        currency char(3) NOT NULL,
        scope text NOT NULL CHECK (scope IN ('ALL', 'LISTINGS', 'PRODUCTS', 'CATEGORIES')),
        scope_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(scope_ids) <= 100),
        trigger text NOT NULL CHECK (trigger IN ('AUTOMATIC', 'SHARED_CODE', 'UNIQUE_CODES')),
        code text CHECK (length(code) <= 40),
        starts_at timestamptz NOT NULL DEFAULT now(),
        ends_at timestamptz,
        budget bigint CHECK (budget > 0),
        budget_used bigint NOT NULL DEFAULT 0 CHECK (budget_used >= 0 AND (budget IS NULL OR budget_used <= budget)),
        per_customer_limit integer CHECK (per_customer_limit > 0),
        min_subtotal bigint NOT NULL DEFAULT 0 CHECK (min_subtotal >= 0),
        stacking text NOT NULL DEFAULT 'STACKABLE' CHECK (stacking IN ('EXCLUSIVE', 'STACKABLE')),
        priority integer NOT NULL DEFAULT 0,
        targeting jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((trigger = 'SHARED_CODE') = (code IS NOT NULL))
      );
      CREATE INDEX promotion_seller_idx ON promotion (seller_id, created_at DESC, id DESC);
      CREATE INDEX promotion_live_idx ON promotion (seller_id) WHERE status = 'active';
      CREATE UNIQUE INDEX promotion_code_idx ON promotion (upper(code)) WHERE code IS NOT NULL AND status <> 'archived';

      -- Single-use codes of UNIQUE_CODES promotions. A redeemed code is released when its order is cancelled.
      CREATE TABLE promotion_code (
        code text PRIMARY KEY CHECK (length(code) <= 40),
        promotion_id uuid NOT NULL REFERENCES promotion (id),
        redeemed_by uuid REFERENCES customer (id),
        redeemed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX promotion_code_promotion_idx ON promotion_code (promotion_id);

      -- One row per order a promotion discounted: per-customer limits count the live ones, cancellation
      -- reverses them (the amount goes back to the budget).
      CREATE TABLE promotion_redemption (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        promotion_id uuid NOT NULL REFERENCES promotion (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        order_id uuid NOT NULL REFERENCES orders (id),
        amount bigint NOT NULL CHECK (amount > 0),
        code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        reversed_at timestamptz,
        UNIQUE (promotion_id, order_id)
      );
      CREATE INDEX promotion_redemption_customer_idx ON promotion_redemption (promotion_id, customer_id) WHERE reversed_at IS NULL;
      CREATE INDEX promotion_redemption_order_idx ON promotion_redemption (order_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE promotion_redemption; DROP TABLE promotion_code; DROP TABLE promotion;');
  }
}
