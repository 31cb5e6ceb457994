import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The webhooks plugin: sellers' endpoints and the log of every delivery attempt. */
export class Webhooks1763932000000 implements MigrationInterface {
  name = 'Webhooks1763932000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks_endpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhooks_endpoint_seller_idx ON webhooks_endpoint (seller_id, created_at);

      CREATE TABLE webhooks_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        seller_id uuid NOT NULL,
        endpoint_id uuid NOT NULL REFERENCES webhooks_endpoint (id) ON DELETE CASCADE,
        event_id bigint NOT NULL,
        event_type text NOT NULL,
        url text NOT NULL,
        attempt integer NOT NULL CHECK (attempt > 0),
        status text NOT NULL CHECK (status IN ('succeeded', 'retrying', 'failed')),
        response_status integer,
        response_body text,
        error text,
        duration_ms integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Two processes delivering the same event can't both record attempt n.
        UNIQUE (endpoint_id, event_id, attempt)
      );
      CREATE INDEX webhooks_delivery_log_idx ON webhooks_delivery (seller_id, seq DESC);
      CREATE INDEX webhooks_delivery_event_idx ON webhooks_delivery (seller_id, event_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhooks_delivery, webhooks_endpoint');
  }
}
