import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Loyalty accounts per (seller, customer) and their append-only ledger. */
export class LoyaltyPoints1763931000000 implements MigrationInterface {
  name = 'LoyaltyPoints1763931000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE loyalty_points_account (
        seller_id uuid NOT NULL REFERENCES seller (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        balance integer NOT NULL CHECK (balance >= 0),
        credit bigint NOT NULL DEFAULT 0 CHECK (credit >= 0),
        currency text NOT NULL,
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (seller_id, customer_id)
      );
      CREATE INDEX loyalty_points_account_customer_idx ON loyalty_points_account (customer_id);

      CREATE TABLE loyalty_points_entry (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL REFERENCES seller (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        order_id uuid,
        event_id bigint,
        idempotency_key text,
        kind text NOT NULL CHECK (kind IN ('earn', 'reverse', 'redeem')),
        points integer NOT NULL,
        shortfall integer NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
        credit bigint NOT NULL DEFAULT 0 CHECK (credit >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (seller_id, event_id),
        UNIQUE (seller_id, customer_id, idempotency_key)
      );
      CREATE INDEX loyalty_points_entry_order_idx ON loyalty_points_entry (seller_id, order_id) WHERE order_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE loyalty_points_entry, loyalty_points_account');
  }
}
