import type { TxContext } from '../../../src/core/context';
import { ErrorCode } from '../../../src/core/errors';
import { fail } from '../../../src/core/user-error';
import type { IssuedInvoice } from '../../../src/modules/invoices';
import { invoiceDocument, lockOrder, recordInvoice, type OrderLineRow } from '../../../src/modules/invoices/invoice-issuing';
import type { TaxableAdjustment } from '../../../src/modules/invoices/order-tax';
import type { TaxClass } from '../../../src/modules/invoices/vat-rates';

/**
 * The invoice of an order the tests wrote as rows (order-rows.ts insertOrder), issued from the stored rows: the same
 * document (invoiceDocument), numbering (recordInvoice: invoice-numbering.ts) and `invoice.issued` event as checkout's
 * own issuing (new-order-invoices.ts), which new-order-invoices.test.ts compares with this. Only tests issue this
 * way: in the app, an order's invoice is issued by the checkout that places it. Asked again for the same order, it
 * returns the invoice already issued.
 */
export async function issueInvoice(ctx: TxContext, orderId: string): Promise<IssuedInvoice> {
  const order = await lockOrder(ctx, orderId);
  const existing: IssuedInvoice[] = await ctx.tx.query(`SELECT id, number FROM invoice WHERE order_id = $1 AND kind = 'invoice'`, [orderId]);
  if (existing[0]) return existing[0];
  if (order.state === 'cancelled') fail(null, 'A cancelled order is not invoiced.', ErrorCode.INVALID_STATE);
  return recordInvoice(ctx, order, invoiceDocument(order, await orderLines(ctx, orderId), await orderAdjustments(ctx, orderId)));
}

/** The order's lines as its invoice lists them. */
export function orderLines({ tx }: TxContext, orderId: string): Promise<OrderLineRow[]> {
  return tx.query(
    `SELECT title, variant_title AS "variantTitle", sku, quantity, unit_price AS "unitPrice", total, tax_class AS "taxClass"
       FROM order_line WHERE order_id = $1 ORDER BY position, id`,
    [orderId],
  );
}

/** The order's discounts and surcharges (order_adjustment, written by checkout), in the order applied. */
export async function orderAdjustments({ tx }: TxContext, orderId: string): Promise<TaxableAdjustment[]> {
  const rows: { label: string; kind: 'DISCOUNT' | 'SURCHARGE'; target: 'ITEMS' | 'SHIPPING'; amount: string; perLine: string[]; taxClass: TaxClass | null }[] =
    await tx.query(`SELECT label, kind, target, amount, per_line AS "perLine", tax_class AS "taxClass" FROM order_adjustment WHERE order_id = $1 ORDER BY position`, [
      orderId,
    ]);
  return rows.map((r) => ({ ...r, amount: Number(r.amount), perLine: r.perLine.map(Number) }));
}
