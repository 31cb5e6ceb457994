import type { TxContext } from '../../core/context';
import type { AddressData } from '../../core/address';
import { ErrorCode } from '../../core/errors';
import { fail } from '../../core/user-error';
import { emit } from '../../events/outbox';
import { nextInvoiceNumber, type InvoiceSeries } from './invoice-numbering';
import { SHIPPING_LINE, type BuyerData, type InvoiceLineData, type IssuerData } from './invoice.rows';
import { InvoiceKind } from './invoice.type';
import { taxOrder, type TaxableAdjustment, type TaxSplit } from './order-tax';
import { isReverseCharged, zeroRated } from './reverse-charge';
import { splitGross, type TaxClass } from './vat-rates';

export interface IssuedInvoice {
  /** The invoice's uuid. */
  id: string;
  number: string;
}

/** An order with the parties of its invoice, read under the order's row lock. */
export interface OrderToInvoice {
  id: string;
  sellerId: string;
  customerId: string;
  state: string;
  currency: string;
  subtotal: number;
  shipping: number;
  total: number;
  shippingAddress: AddressData;
  sellerSlug: string;
  invoicePrefix: string | null;
  issuer: IssuerData;
  buyer: BuyerData;
  /** Decided as checkout decided it (reverse-charge.ts), from the same rows. */
  reverseCharge: boolean;
}

/** The seller and customer columns an invoice's parties come from, read with `s` = seller and `c` = customer. */
export const PARTY_COLUMNS = `s.slug AS "sellerSlug", s.invoice_prefix AS "invoicePrefix",
            coalesce(s.legal_name, s.name) AS "legalName", s.tax_id AS "taxId", s.address AS "sellerAddress",
            c.name AS "customerName", c.email AS "customerEmail", c.vat_number AS "customerVatNumber", c.locale AS "customerLocale"`;

/** An order's row with its parties' columns (PARTY_COLUMNS). */
export interface OrderRow extends Omit<OrderToInvoice, 'issuer' | 'buyer' | 'reverseCharge'> {
  legalName: string;
  taxId: string | null;
  sellerAddress: AddressData | null;
  customerName: string;
  customerEmail: string;
  customerVatNumber: string | null;
  customerLocale: string;
}

/** The order with its invoice's parties, as the law asks for them. */
export function toOrderToInvoice(r: OrderRow): OrderToInvoice {
  const { legalName, taxId, sellerAddress, customerName, customerEmail, customerVatNumber, customerLocale, ...order } = r;
  return {
    ...order,
    // RD 1619/2012, art. 6.1.c–e: the issuer's legal name, tax number and address; the buyer's name and
    // address. A consumer buyer has no tax number to record; the address is where the goods went.
    issuer: { legalName, taxId, address: sellerAddress },
    // Art. 6.1.d: the buyer's VAT number when the supply is exempt or reverse-charged; printed whenever known.
    buyer: { name: customerName, email: customerEmail, address: r.shippingAddress, vatNumber: customerVatNumber, locale: customerLocale },
    reverseCharge: isReverseCharged({ sellerCountry: sellerAddress?.country ?? null, buyerVatNumber: customerVatNumber, shipTo: r.shippingAddress.country }),
  };
}

/**
 * Locks the order row for the rest of the transaction: issuing for one order is serialised, so a
 * retried or concurrent call finds the document the first one made instead of issuing a second.
 */
export async function lockOrder({ tx }: TxContext, orderId: string): Promise<OrderToInvoice> {
  const rows: OrderRow[] = await tx.query(
    `SELECT o.id, o.seller_id AS "sellerId", o.customer_id AS "customerId", o.state, o.currency, o.subtotal, o.shipping, o.total,
            o.shipping_address AS "shippingAddress", ${PARTY_COLUMNS}
       FROM orders o JOIN seller s ON s.id = o.seller_id JOIN customer c ON c.id = o.customer_id
      WHERE o.id = $1 FOR NO KEY UPDATE OF o`,
    [orderId],
  );
  const r = rows[0];
  if (!r) fail(null, 'Order not found.', ErrorCode.NOT_FOUND);
  return toOrderToInvoice(r);
}

export interface InvoiceDocument {
  kind: InvoiceKind;
  series: InvoiceSeries;
  buyer: BuyerData;
  lines: InvoiceLineData[];
  currency: string;
  net: number;
  tax: number;
  gross: number;
  correctsInvoiceId: string | null;
  reason: string | null;
  reverseCharge: boolean;
}

/** Numbers and stores a document for the locked order, and records `invoice.issued` with it. */
export async function recordInvoice(ctx: TxContext, order: OrderToInvoice, doc: InvoiceDocument): Promise<IssuedInvoice> {
  const { tx } = ctx;
  const n = await nextInvoiceNumber(ctx, { id: order.sellerId, slug: order.sellerSlug, invoicePrefix: order.invoicePrefix }, doc.series);
  const rows: { id: string }[] = await tx.query(
    `INSERT INTO invoice (seller_id, order_id, customer_id, kind, corrects_invoice_id, series, year, sequence, number, issued_at,
                          issuer, buyer, lines, currency, net, tax, gross, reason, reverse_charge)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
    [
      order.sellerId,
      order.id,
      order.customerId,
      doc.kind,
      doc.correctsInvoiceId,
      n.series,
      n.year,
      n.sequence,
      n.number,
      n.issuedAt,
      // Stringified: node-postgres would turn the lines array into a PostgreSQL array, not jsonb.
      JSON.stringify(order.issuer),
      JSON.stringify(doc.buyer),
      JSON.stringify(doc.lines),
      doc.currency,
      doc.net,
      doc.tax,
      doc.gross,
      doc.reason,
      doc.reverseCharge,
    ],
  );
  const id = rows[0]!.id;
  await emit(ctx, 'invoice.issued', { invoiceId: id, orderId: order.id, sellerId: order.sellerId, number: n.number });
  return { id, number: n.number };
}

/** An order line as its invoice line needs it. */
export interface OrderLineRow {
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
  taxClass: TaxClass;
}

function lineData(description: string, sku: string | null, quantity: number, unitPrice: number, split: TaxSplit): InvoiceLineData {
  const unitNetPrice = splitGross(unitPrice, split.rate).net;
  return { description, sku, quantity, unitPrice, unitNetPrice, vatRate: split.rate, net: split.net, tax: split.tax, gross: split.gross };
}

// The catalog names the one variant of a product without options "Default": nothing to add to the title.
const lineDescription = (l: OrderLineRow) => (l.variantTitle && l.variantTitle !== 'Default' ? `${l.title} (${l.variantTitle})` : l.title);

/** The invoice of an order from its lines (in position order) and adjustments (in the order applied). */
export function invoiceDocument(order: OrderToInvoice, lines: readonly OrderLineRow[], adjustments: readonly TaxableAdjustment[]): InvoiceDocument {
  const taxed = taxOrder(lines, order.shipping, order.shippingAddress.country, adjustments);
  const taxes = order.reverseCharge ? zeroRated(taxed) : taxed;
  if (taxes.gross !== order.total) {
    throw new Error(`Order ${order.id}: lines and adjustments (${taxes.gross}) don't add up to its total (${order.total})`);
  }
  const invoiceLines = lines.map((l, i) => lineData(lineDescription(l), l.sku, l.quantity, l.unitPrice, taxes.lines[i]!));
  if (taxes.shipping) invoiceLines.push(lineData(SHIPPING_LINE, null, 1, taxes.shipping.gross, taxes.shipping));
  for (const a of taxes.adjustments) invoiceLines.push(lineData(a.label, null, 1, a.gross, a));
  return {
    kind: InvoiceKind.INVOICE,
    series: 'F',
    buyer: order.buyer,
    lines: invoiceLines,
    currency: order.currency,
    net: taxes.net,
    tax: taxes.tax,
    gross: taxes.gross,
    correctsInvoiceId: null,
    reason: null,
    reverseCharge: order.reverseCharge,
  };
}
