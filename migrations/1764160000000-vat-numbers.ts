import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13: a business buyer records its VAT number (customer.vat_number, normalised: country prefix and
 * digits, no spaces), printed on its invoices; an invoice records whether it was reverse-charged (an
 * intra-EU supply to a VAT-registered buyer: VAT 0, the buyer accounts for it). Adding a column with a
 * constant default rewrites no row, so the invoices' immutability trigger is not involved.
 */
export class VatNumbers1764160000000 implements MigrationInterface {
  name = 'VatNumbers1764160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer ADD COLUMN vat_number text CHECK (vat_number ~ '^[A-Z]{2}[0-9A-Z+*]{2,13}$');
      ALTER TABLE invoice ADD COLUMN reverse_charge boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invoice DROP COLUMN reverse_charge;
      ALTER TABLE customer DROP COLUMN vat_number;
    `);
  }
}
