import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Offers (issue 16): what the offer engine made for one customer, in the order it made them. `sequence`
 * counts per customer and is handed out under the lock of the customer's `offer_sequence` row, so offers
 * of one customer commit in sequence order: a subscriber that replays "after cursor n" and then streams
 * live ones can neither skip nor repeat one. `dedupe_key` is "never the same offer twice".
 * `promotion_id` has no foreign key: promotions are another module's table (issue 10), joined by id.
 *
 * `plugin_delivery`: the first delivery of each event to each (plugin, seller) pair, a queue per pair,
 * so that one seller's endpoint that never answers holds up only that seller's own deliveries.
 */
export class Offers1764170000000 implements MigrationInterface {
  name = 'Offers1764170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE offer_sequence (
        customer_id uuid PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
        last_sequence bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE offer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        sequence bigint NOT NULL,
        dedupe_key text NOT NULL,
        trigger text NOT NULL,
        promotion_id uuid,
        product_id uuid REFERENCES product (id),
        listing_id uuid REFERENCES listing (id),
        discount_percent integer CHECK (discount_percent BETWEEN 1 AND 90),
        discount_amount bigint CHECK (discount_amount > 0),
        currency text,
        reason text NOT NULL,
        score real NOT NULL DEFAULT 0,
        state text NOT NULL DEFAULT 'NEW' CHECK (state IN ('NEW', 'SEEN', 'DISMISSED', 'REDEEMED', 'EXPIRED')),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((discount_percent IS NULL) <> (discount_amount IS NULL)),
        CHECK (discount_amount IS NULL OR currency IS NOT NULL),
        UNIQUE (customer_id, sequence),
        UNIQUE (customer_id, dedupe_key)
      );
      CREATE INDEX offer_customer_state_idx ON offer (customer_id, state, sequence);
      CREATE INDEX offer_customer_created_idx ON offer (customer_id, created_at);
      CREATE INDEX offer_expiry_idx ON offer (expires_at) WHERE state IN ('NEW', 'SEEN');

      CREATE TABLE plugin_delivery (
        id bigserial PRIMARY KEY,
        event_id bigint NOT NULL REFERENCES outbox (id),
        plugin text NOT NULL,
        seller_id uuid NOT NULL,
        leased_until timestamptz,
        UNIQUE (event_id, plugin, seller_id)
      );
      CREATE INDEX plugin_delivery_pair_idx ON plugin_delivery (plugin, seller_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE plugin_delivery, offer, offer_sequence');
  }
}
