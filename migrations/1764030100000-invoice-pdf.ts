import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invoice PDFs rendered once and kept (issue 9): invoices never change. `digest` names what the PDF shows
 * (invoices/invoice-pdf-store.ts), so an invoice may have a rendering per distinct content.
 */
export class InvoicePdf1764030100000 implements MigrationInterface {
  name = 'InvoicePdf1764030100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE invoice_pdf (
        invoice_id uuid NOT NULL REFERENCES invoice(id) ON DELETE CASCADE,
        digest text NOT NULL,
        pdf bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (invoice_id, digest)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE invoice_pdf');
  }
}
