import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Price sensitivity is also the reaction to price drops (issue "Personalization I"): the catalog keeps
 * the history of its drops (written with `listing.price_dropped`, in the same transaction), and a paid
 * order's fact records whether it followed one (decided when the fact is written, from that history).
 * Not personal: a seller's price history. No foreign keys: listings and products are archived, never
 * deleted, and the history must stay as it was for a recompute to decide exactly as the update did.
 */
export class ListingPriceDrops1764260000000 implements MigrationInterface {
  name = 'ListingPriceDrops1764260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE listing_price_drop (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        listing_id uuid NOT NULL,
        product_id uuid NOT NULL,
        dropped_at timestamptz NOT NULL DEFAULT now(),
        from_price bigint NOT NULL,
        to_price bigint NOT NULL,
        CHECK (to_price < from_price)
      );
      CREATE INDEX listing_price_drop_product_idx ON listing_price_drop (product_id, dropped_at);
      ALTER TABLE customer_order_fact ADD COLUMN bought_on_price_drop boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer_order_fact DROP COLUMN bought_on_price_drop;
      DROP TABLE listing_price_drop;
    `);
  }
}
