import type { TxContext } from '../../core/context';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { Validator } from '../../core/validate';
import { lockOrder, recordInvoice, type IssuedInvoice } from './invoice-issuing';
import { INVOICE_COLUMNS, isShippingLine, type InvoiceLineData, type InvoiceRow } from './invoice.rows';
import { InvoiceKind } from './invoice.type';
import { splitGross } from './vat-rates';

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

/** One refunded order line (null: the shipping): `quantity` units, `amount` of what was paid for them (minor units, VAT included). */
export interface RefundedLine {
  orderLineId: string | null;
  quantity: number;
  amount: number;
}

/**
 * Issues the credit note of a refund after delivery (a complaint, a return), in the caller's
 * transaction and in the seller's R series, shared with cancellations: it names the order's invoice and
 * reverses, at the rates charged, the refunded units (the whole unit price) or the refunded part of
 * them (one line "Partial refund: …" of the amount). Idempotency is the caller's: each call issues one.
 */
export async function issueRefundCreditNote(
  ctx: TxContext,
  orderId: string,
  { reason, lines }: { reason: string; lines: readonly RefundedLine[] },
): Promise<IssuedInvoice> {
  const { tx } = ctx;
  const v = new Validator();
  v.text('reason', reason, { max: 500, multiline: true });
  v.done();
  const order = await lockOrder(ctx, orderId);
  const [invoice]: InvoiceRow[] = await tx.query(`SELECT ${INVOICE_COLUMNS} FROM invoice i WHERE i.order_id = $1 AND i.kind = 'invoice'`, [orderId]);
  if (!invoice) fail(null, 'The order has no invoice to correct.', ErrorCode.INVALID_STATE);
  // The invoice's goods lines are the order lines in this order (new-order-invoices.ts, invoiceDocument).
  const orderLines: { id: string }[] = await tx.query(`SELECT id FROM order_line WHERE order_id = $1 ORDER BY position, id`, [orderId]);
  // The shipping line follows the goods lines when shipping was charged (invoiceDocument).
  const shipping = invoice.lines.slice(orderLines.length).find(isShippingLine);
  const creditLines = lines.map((l): InvoiceLineData => {
    const charged = l.orderLineId === null ? shipping : invoice.lines[orderLines.findIndex((o) => o.id === l.orderLineId)];
    if (!charged || l.amount <= 0 || l.quantity <= 0) throw new Error(`order line ${l.orderLineId ?? '(shipping)'} is not a refundable line of order ${orderId}`);
    const whole = l.amount === charged.unitPrice * l.quantity;
    const { net, tax } = splitGross(l.amount, charged.vatRate);
    return negate({
      description: whole ? charged.description : `Partial refund: ${charged.description}`,
      sku: charged.sku,
      quantity: whole ? l.quantity : 1,
      unitPrice: whole ? charged.unitPrice : l.amount,
      unitNetPrice: whole ? charged.unitNetPrice : net,
      vatRate: charged.vatRate,
      net,
      tax,
      gross: l.amount,
    });
  });
  const sum = (key: 'net' | 'tax' | 'gross') => creditLines.reduce((s, l) => s + l[key], 0);
  return recordInvoice(ctx, order, {
    kind: InvoiceKind.CREDIT_NOTE,
    series: 'R',
    buyer: invoice.buyer,
    lines: creditLines,
    currency: invoice.currency,
    net: sum('net'),
    tax: sum('tax'),
    gross: sum('gross'),
    correctsInvoiceId: invoice.id,
    reason: reason.trim(),
    reverseCharge: invoice.reverseCharge,
  });
}
