import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Complaints and returns (issue 11): one complaint per problem with its lines, thread, transitions,
 * refunds and return; the payments ledger's refunds, each under its own idempotency key; and the link
 * of a replacement order to the order it replaces.
 */
export class Complaints1764130000000 implements MigrationInterface {
  name = 'Complaints1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders ADD COLUMN replaces_order_id uuid REFERENCES orders (id);

      CREATE TABLE payment_refund (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payment (id),
        order_id uuid NOT NULL REFERENCES orders (id),
        idempotency_key text NOT NULL UNIQUE,
        amount bigint NOT NULL CHECK (amount > 0),
        provider_ref text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX payment_refund_order_idx ON payment_refund (order_id);

      CREATE TABLE complaint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id),
        seller_id uuid NOT NULL REFERENCES seller (id),
        customer_id uuid NOT NULL REFERENCES customer (id),
        state text NOT NULL CHECK (state IN ('open', 'awaiting_seller', 'awaiting_customer', 'resolved', 'rejected', 'escalated')),
        reason text NOT NULL,
        description text NOT NULL,
        desired_resolution text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]',
        resolution text,
        seller_due_at timestamptz,
        first_response_at timestamptz,
        escalated_at timestamptz,
        closed_at timestamptz,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX complaint_opened_idx ON complaint (opened_at DESC, id DESC);
      CREATE INDEX complaint_seller_idx ON complaint (seller_id, opened_at DESC, id DESC);
      CREATE INDEX complaint_customer_idx ON complaint (customer_id, opened_at DESC, id DESC);
      CREATE INDEX complaint_order_idx ON complaint (order_id);
      CREATE INDEX complaint_due_idx ON complaint (seller_due_at) WHERE state IN ('open', 'awaiting_seller');

      -- One complaint per order line, ever: a second one on the same goods is refused (issue 11).
      CREATE TABLE complaint_line (
        complaint_id uuid NOT NULL REFERENCES complaint (id),
        order_line_id uuid NOT NULL UNIQUE REFERENCES order_line (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (complaint_id, order_line_id)
      );

      CREATE TABLE complaint_message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        complaint_id uuid NOT NULL REFERENCES complaint (id),
        author_role text NOT NULL CHECK (author_role IN ('customer', 'seller', 'operator')),
        body text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL
      );
      CREATE INDEX complaint_message_thread_idx ON complaint_message (complaint_id, created_at, id);

      CREATE TABLE complaint_transition (
        id bigserial PRIMARY KEY,
        complaint_id uuid NOT NULL REFERENCES complaint (id),
        from_state text,
        to_state text NOT NULL,
        actor_role text NOT NULL CHECK (actor_role IN ('customer', 'seller', 'operator', 'system')),
        note text,
        at timestamptz NOT NULL
      );
      CREATE INDEX complaint_transition_idx ON complaint_transition (complaint_id, id);

      CREATE TABLE complaint_refund (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        complaint_id uuid NOT NULL REFERENCES complaint (id),
        idempotency_key text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        lines jsonb NOT NULL,
        payment_refund_id uuid REFERENCES payment_refund (id),
        credit_note_id uuid NOT NULL REFERENCES invoice (id),
        actor_role text NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (complaint_id, idempotency_key)
      );

      CREATE TABLE complaint_return (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        complaint_id uuid NOT NULL UNIQUE REFERENCES complaint (id),
        state text NOT NULL CHECK (state IN ('requested', 'instructions_sent', 'received', 'refunded')),
        instructions text,
        requested_at timestamptz NOT NULL,
        instructions_at timestamptz,
        received_at timestamptz,
        refunded_at timestamptz
      );

      -- Each seller's record in complaints (issue 11), one row per seller: what the seller and the operator
      -- see on Seller.complaintMetrics, and what a seller rating may blend in (CONTRACTS E) with plain SQL.
      CREATE VIEW seller_complaint_stats AS
      SELECT s.id AS seller_id, x.orders, c.complaints,
             CASE WHEN x.orders > 0 THEN c.complaints::float8 / x.orders ELSE 0 END AS complaint_rate,
             round(c.median_seconds)::int AS median_first_response_seconds,
             CASE WHEN c.complaints > 0 THEN c.escalated::float8 / c.complaints END AS escalated_share,
             CASE WHEN c.closed > 0 THEN c.in_favour::float8 / c.closed END AS customer_favour_share
        FROM seller s
        CROSS JOIN LATERAL (SELECT count(*)::int AS orders FROM orders o
                             WHERE o.seller_id = s.id AND o.state <> 'cancelled' AND o.replaces_order_id IS NULL) x
        CROSS JOIN LATERAL (SELECT count(*)::int AS complaints,
                                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.first_response_at - k.opened_at)) AS median_seconds,
                                   count(k.escalated_at)::int AS escalated,
                                   (count(*) FILTER (WHERE k.state = 'resolved'))::int AS in_favour,
                                   (count(*) FILTER (WHERE k.state IN ('resolved', 'rejected')))::int AS closed
                              FROM complaint k WHERE k.seller_id = s.id) c;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP VIEW seller_complaint_stats;
      DROP TABLE complaint_return, complaint_refund, complaint_transition, complaint_message, complaint_line, complaint, payment_refund;
      ALTER TABLE orders DROP COLUMN replaces_order_id;
    `);
  }
}
