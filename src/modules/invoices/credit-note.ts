import type { TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { lockOrder, recordInvoice, type IssuedInvoice } from './invoice-issuing';
import { INVOICE_COLUMNS, type InvoiceLineData, type InvoiceRow } from './invoice.rows';
import { InvoiceKind } from './invoice.type';

const negate = (l: InvoiceLineData): InvoiceLineData => ({
  ...l,
  unitPrice: -l.unitPrice,
  unitNetPrice: -l.unitNetPrice,
  net: -l.net,
  tax: -l.tax,
  gross: -l.gross,
});

/**
 * Issues the credit note ("factura rectificativa", RD 1619/2012, art. 15) that cancels the invoice of
 * a cancelled order, in the caller's transaction. An issued invoice is never changed (the database
 * refuses): it is corrected by a new document in its own series R that names it, says why, and
 * reverses its lines at the rates it charged. Calling it again for the same order returns the same note.
 */
export async function issueCreditNote(ctx: TxContext, orderId: string, { reason }: { reason: string }): Promise<IssuedInvoice> {
  const { tx } = ctx;
  const v = new Validator();
  v.text('reason', reason, { max: 500, multiline: true });
  v.done();
  const order = await lockOrder(ctx, orderId);
  if (order.state !== 'cancelled') fail(null, 'Only a cancelled order gets a credit note.', ErrorCode.INVALID_STATE);
  const documents: InvoiceRow[] = await tx.query(`SELECT ${INVOICE_COLUMNS} FROM invoice i WHERE i.order_id = $1`, [orderId]);
  const invoice = documents.find((d) => d.kind === InvoiceKind.INVOICE);
  if (!invoice) fail(null, 'The order has no invoice to correct.', ErrorCode.INVALID_STATE);
  const issued = documents.find((d) => d.correctsInvoiceId === invoice.id);
  if (issued) return { id: issued.id, number: issued.number };
  return recordInvoice(ctx, order, {
    kind: InvoiceKind.CREDIT_NOTE,
    series: 'R',
    buyer: invoice.buyer,
    lines: invoice.lines.map(negate),
    currency: invoice.currency,
    net: -invoice.net,
    tax: -invoice.tax,
    gross: -invoice.gross,
    correctsInvoiceId: invoice.id,
    reason: reason.trim(),
    // It reverses the invoice as issued, under the same regime.
    reverseCharge: invoice.reverseCharge,
  });
}
