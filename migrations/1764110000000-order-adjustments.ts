import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The checkout adjustment point (issue 10): the codes a shopper entered on a cart, the discounts and
 * surcharges each order received (`order_adjustment`, with each goods amount's share per order line so
 * the invoice can take VAT on the discounted base per rate), and the totals they change.
 */
export class OrderAdjustments1764110000000 implements MigrationInterface {
  name = 'OrderAdjustments1764110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cart ADD COLUMN codes text[] NOT NULL DEFAULT '{}' CHECK (cardinality(codes) <= 10);
      ALTER TABLE orders ADD COLUMN discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
                         ADD COLUMN surcharge bigint NOT NULL DEFAULT 0 CHECK (surcharge >= 0);
      ALTER TABLE order_line ADD COLUMN discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0);

      CREATE TABLE order_adjustment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id),
        position integer NOT NULL,
        source text NOT NULL,
        reference text,
        label text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('DISCOUNT', 'SURCHARGE')),
        target text NOT NULL CHECK (target IN ('ITEMS', 'SHIPPING')),
        amount bigint NOT NULL CHECK (amount > 0),
        -- The order line (by position) a line discount belongs to; null for the whole order.
        line_position integer,
        -- Per order line (index = position), the part of a goods amount on it.
        per_line bigint[] NOT NULL DEFAULT '{}',
        tax_class text,
        UNIQUE (order_id, position)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE order_adjustment;
      ALTER TABLE order_line DROP COLUMN discount;
      ALTER TABLE orders DROP COLUMN discount, DROP COLUMN surcharge;
      ALTER TABLE cart DROP COLUMN codes;
    `);
  }
}
