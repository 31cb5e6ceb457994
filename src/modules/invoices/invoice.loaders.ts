import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byKey, groupByKey } from '../../core/batch';
import { sharesProfileWithSellers } from '../customers';
import { INVOICE_COLUMNS, toInvoice, type InvoiceRow } from './invoice.rows';
import type { Invoice } from './invoice.type';

/** Per-request batch loaders of invoices, one SQL statement per batch. Visibility is the caller's rule (canSeeInvoice). */
export function invoiceLoaders(db: DataSource) {
  return {
    invoiceById: new DataLoader<string, Invoice | null>(async (ids) => {
      const rows: InvoiceRow[] = await db.query(`SELECT ${INVOICE_COLUMNS} FROM invoice i WHERE i.id = ANY($1)`, [ids]);
      return byKey(ids, rows.map(toInvoice), (i) => i.uuid);
    }),
    /** The invoice of an order (kind INVOICE); null until it is issued. */
    invoiceByOrderId: new DataLoader<string, Invoice | null>(async (ids) => {
      const rows: InvoiceRow[] = await db.query(
        `SELECT ${INVOICE_COLUMNS} FROM invoice i WHERE i.order_id = ANY($1) AND i.kind = 'invoice'`,
        [ids],
      );
      return byKey(ids, rows.map(toInvoice), (i) => i.orderUuid);
    }),
    /** Whether each buyer lets sellers see their email and phone (customers' consent rule). */
    buyerSharesProfile: new DataLoader<string, boolean>(async (ids) => {
      const rows: { id: string; shares: boolean }[] = await db.query(
        `SELECT c.id, ${sharesProfileWithSellers('c.id')} AS shares FROM customer c WHERE c.id = ANY($1)`,
        [ids],
      );
      return byKey(ids, rows, (r) => r.id).map((r) => r?.shares ?? false);
    }),
    /** The credit notes of an order, oldest first. */
    creditNotesByOrderId: new DataLoader<string, Invoice[]>(async (ids) => {
      const rows: InvoiceRow[] = await db.query(
        `SELECT ${INVOICE_COLUMNS} FROM invoice i WHERE i.order_id = ANY($1) AND i.kind = 'credit_note' ORDER BY i.issued_at, i.id`,
        [ids],
      );
      return groupByKey(ids, rows.map(toInvoice), (i) => i.orderUuid);
    }),
  };
}

declare module '../../core/context' {
  interface Loaders extends ReturnType<typeof invoiceLoaders> {}
}
