import type { TxContext } from '../../core/context';

/** 'F' numbers invoices; 'R' credit notes, which must have a series of their own (RD 1619/2012, art. 6.1.a). */
export type InvoiceSeries = 'F' | 'R';

/** Invoice years follow the calendar in Spain (peninsular time): an invoice at 00:30 on 1 January is next year's. */
export const INVOICE_TIME_ZONE = 'Europe/Madrid';

/**
 * The seller's chosen prefix, else its slug's letters and digits in capitals, at most 10 (the limit of
 * a chosen one): "acme-store" → ACMESTORE. Prefixes need not be unique across sellers; numbers are
 * unique per seller.
 */
export function invoicePrefix(seller: { slug: string; invoicePrefix: string | null }): string {
  return seller.invoicePrefix || seller.slug.replace(/[^a-z0-9]/gi, '').toUpperCase().slice(0, 10) || 'INV';
}

/** ACME-2026-000042 for invoices, ACME-R-2026-000001 for credit notes. */
export function formatInvoiceNumber(prefix: string, series: InvoiceSeries, year: number, sequence: number): string {
  const seq = String(sequence).padStart(6, '0');
  return series === 'R' ? `${prefix}-R-${year}-${seq}` : `${prefix}-${year}-${seq}`;
}

export interface InvoiceNumber {
  series: InvoiceSeries;
  year: number;
  sequence: number;
  number: string;
  issuedAt: Date;
}

/**
 * formatInvoiceNumber of series F (invoices) in SQL, for statements that number invoices as they insert them: `prefix`, `year` and
 * `sequence` are SQL expressions. Padded to at least six digits, never cut (test/modules/invoices/invoice-numbering.test.ts).
 */
export function invoiceNumberSql(prefix: string, year: string, sequence: string): string {
  return `${prefix} || '-' || ${year} || '-' || lpad(${sequence}::text, greatest(6, length(${sequence}::text)), '0')`;
}

/**
 * The counters' upsert, the one place numbers are taken: the next number of `series` for this year (in `timeZone`,
 * by a `clock` CTE the statement defines) of each seller of `sellers` (rows `s(id)`), their rows locked in id order
 * (two statements numbering the same sellers never wait on each other in a cycle) until the transaction ends.
 */
export const counterUpsertSql = (sellers: string, series: string, timeZone: string) => `
  INSERT INTO invoice_counter (seller_id, series, year, last_number)
    SELECT s.id, ${series}, extract(year FROM clock.at AT TIME ZONE ${timeZone})::int, 1 FROM ${sellers}, clock ORDER BY s.id
  ON CONFLICT (seller_id, series, year) DO UPDATE SET last_number = invoice_counter.last_number + 1`;

/**
 * Takes the next number of the seller's series for this year, in the caller's transaction. The upsert
 * locks the counter row until that transaction ends, so concurrent issuers queue for it: no two get
 * the same number, and a rollback returns the number with everything else, so none is skipped.
 * The issue date is read in the same statement, so the date and the number's year always agree.
 */
export async function nextInvoiceNumber(
  { tx }: TxContext,
  seller: { id: string; slug: string; invoicePrefix: string | null },
  series: InvoiceSeries,
): Promise<InvoiceNumber> {
  const [row]: { sequence: number; year: number; issuedAt: Date }[] = await tx.query(
    `WITH clock AS (SELECT clock_timestamp() AS at)
     ${counterUpsertSql('(SELECT $1::uuid AS id) s', '$2', '$3')}
     RETURNING last_number AS "sequence", year, (SELECT at FROM clock) AS "issuedAt"`,
    [seller.id, series, INVOICE_TIME_ZONE],
  );
  const { sequence, year, issuedAt } = row!;
  return { series, year, sequence, issuedAt, number: formatInvoiceNumber(invoicePrefix(seller), series, year, sequence) };
}
