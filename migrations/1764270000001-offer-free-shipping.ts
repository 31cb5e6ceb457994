import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An offer's discount may be free shipping (a FREE_SHIPPING promotion's offer, issue 16): exactly one of a
 * percentage, an amount, or free shipping. Existing offers are percentages or amounts (the old CHECK).
 */
export class OfferFreeShipping1764270000001 implements MigrationInterface {
  name = 'OfferFreeShipping1764270000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE offer ADD COLUMN free_shipping boolean NOT NULL DEFAULT false;
      ALTER TABLE offer DROP CONSTRAINT offer_check;
      ALTER TABLE offer ADD CONSTRAINT offer_one_discount CHECK (num_nonnulls(discount_percent, discount_amount) + free_shipping::int = 1);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM offer WHERE free_shipping;
      ALTER TABLE offer DROP CONSTRAINT offer_one_discount;
      ALTER TABLE offer ADD CONSTRAINT offer_check CHECK ((discount_percent IS NULL) <> (discount_amount IS NULL));
      ALTER TABLE offer DROP COLUMN free_shipping;
    `);
  }
}
