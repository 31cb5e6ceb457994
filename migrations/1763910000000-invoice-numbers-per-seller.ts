import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invoice numbers are unique per issuer, not across the marketplace: RD 1619/2012, art. 6.1.a asks for
 * correlative numbers within each series of one issuer, and two sellers may choose the same prefix.
 * A credit note keeps the reason it was issued (art. 15: a rectificativa states what it corrects and why).
 */
export class InvoiceNumbersPerSeller1763910000000 implements MigrationInterface {
  name = 'InvoiceNumbersPerSeller1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invoice DROP CONSTRAINT invoice_number_key;
      ALTER TABLE invoice ADD CONSTRAINT invoice_seller_number_key UNIQUE (seller_id, number);
      ALTER TABLE invoice ADD COLUMN reason text;
      -- Credit notes of an order (Order.invoice has the partial unique index of the buying migration).
      CREATE INDEX invoice_order_idx ON invoice (order_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX invoice_order_idx;
      ALTER TABLE invoice DROP COLUMN reason;
      ALTER TABLE invoice DROP CONSTRAINT invoice_seller_number_key;
      ALTER TABLE invoice ADD CONSTRAINT invoice_number_key UNIQUE (number);
    `);
  }
}
