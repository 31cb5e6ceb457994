import type { AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import type { Invoice, InvoiceKind, InvoiceTaxBreakdown } from './invoice.type';

/** invoice.issuer: the seller as it was when the invoice was issued. */
export interface IssuerData {
  legalName: string;
  taxId: string | null;
  address: AddressData | null;
}

/** invoice.buyer: the customer and where the goods went, as when the invoice was issued. */
export interface BuyerData {
  name: string;
  email: string;
  address: AddressData;
  /** A business buyer's VAT number (issue 13); absent on invoices issued before it was recorded. */
  vatNumber?: string | null;
  /** The buyer's language when issued: the PDF's labels (issue 13); absent before, read as English. */
  locale?: string;
}

/** The shipping line's description as issuing stores it (the PDF prints it in the buyer's language). */
export const SHIPPING_LINE = 'Shipping';
export const isShippingLine = (l: { sku: string | null; description: string }): boolean => l.sku === null && l.description === SHIPPING_LINE;

/** One element of invoice.lines; amounts in minor units, VAT rate in basis points. */
export interface InvoiceLineData {
  description: string;
  sku: string | null;
  quantity: number;
  /** VAT-inclusive, as the buyer paid it. */
  unitPrice: number;
  /** Without VAT (RD 1619/2012, art. 6.1.f asks for it); rounded per unit, so ×quantity may differ from net by cents. */
  unitNetPrice: number;
  vatRate: number;
  net: number;
  tax: number;
  gross: number;
}

export interface InvoiceRow {
  id: string;
  sellerId: string;
  customerId: string;
  orderId: string;
  kind: InvoiceKind;
  correctsInvoiceId: string | null;
  number: string;
  issuedAt: Date;
  issuer: IssuerData;
  buyer: BuyerData;
  lines: InvoiceLineData[];
  currency: string;
  net: number;
  tax: number;
  gross: number;
  reason: string | null;
  reverseCharge: boolean;
}

/** Selects an InvoiceRow from `invoice i`. */
export const INVOICE_COLUMNS = `i.id, i.seller_id AS "sellerId", i.customer_id AS "customerId", i.order_id AS "orderId", i.kind,
  i.corrects_invoice_id AS "correctsInvoiceId", i.number, i.issued_at AS "issuedAt", i.issuer, i.buyer, i.lines,
  i.currency, i.net, i.tax, i.gross, i.reason, i.reverse_charge AS "reverseCharge"`;

const percent = (basisPoints: number) => basisPoints / 100;

function breakdown(lines: InvoiceLineData[], currency: string): InvoiceTaxBreakdown[] {
  const byRate = new Map<number, { net: number; tax: number }>();
  for (const l of lines) {
    const sum = byRate.get(l.vatRate) ?? { net: 0, tax: 0 };
    byRate.set(l.vatRate, { net: sum.net + l.net, tax: sum.tax + l.tax });
  }
  return [...byRate]
    .sort(([a], [b]) => b - a)
    .map(([rate, sum]) => ({ vatRate: percent(rate), net: new Money(sum.net, currency), tax: new Money(sum.tax, currency) }));
}

export function toInvoice(r: InvoiceRow): Invoice {
  const money = (amount: number) => new Money(amount, r.currency);
  const id = toGlobalId('Invoice', r.id);
  return {
    __typename: 'Invoice',
    id,
    uuid: r.id,
    sellerUuid: r.sellerId,
    customerUuid: r.customerId,
    orderUuid: r.orderId,
    correctsUuid: r.correctsInvoiceId,
    number: r.number,
    kind: r.kind,
    issuedAt: r.issuedAt,
    issuer: r.issuer,
    buyer: { ...r.buyer, vatNumber: r.buyer.vatNumber ?? null },
    lines: r.lines.map((l) => ({
      description: l.description,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice),
      unitNetPrice: money(l.unitNetPrice),
      vatRate: percent(l.vatRate),
      net: money(l.net),
      tax: money(l.tax),
      gross: money(l.gross),
    })),
    taxBreakdown: breakdown(r.lines, r.currency),
    net: money(r.net),
    tax: money(r.tax),
    gross: money(r.gross),
    reason: r.reason,
    reverseCharge: r.reverseCharge,
    pdfUrl: `/invoices/${id}.pdf`,
  };
}
