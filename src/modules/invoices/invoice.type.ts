import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress, type AddressData } from '../../core/address';
import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';

export enum InvoiceKind {
  INVOICE = 'invoice',
  /** Spanish "factura rectificativa" (Real Decreto 1619/2012, art. 15). */
  CREDIT_NOTE = 'credit_note',
}
registerEnumType(InvoiceKind, {
  name: 'InvoiceKind',
  valuesConfig: { CREDIT_NOTE: { description: 'Corrects (here: cancels) an earlier invoice; amounts are negative.' } },
});

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
}

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

@ObjectType({ simpleResolvers: true, description: 'The seller that issued the invoice, as it was then.' })
export class InvoiceIssuer {
  @Field()
  legalName!: string;

  @Field(() => String, { nullable: true, description: 'NIF / VAT number.' })
  taxId!: string | null;

  @Field(() => MailingAddress, { nullable: true })
  address!: MailingAddress | null;
}

@ObjectType({ simpleResolvers: true, description: 'The customer invoiced, and where the goods went, as then.' })
export class InvoiceBuyer {
  @Field()
  name!: string;

  @Field()
  email!: string;

  @Field(() => MailingAddress)
  address!: MailingAddress;
}

@ObjectType({ simpleResolvers: true })
export class InvoiceLine {
  @Field()
  description!: string;

  @Field(() => String, { nullable: true, description: "The seller's SKU; null on the shipping line." })
  sku!: string | null;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money, { description: 'Unit price including VAT.' })
  unitPrice!: Money;

  @Field(() => Money, { description: 'Unit price without VAT.' })
  unitNetPrice!: Money;

  @Field(() => Float, { description: 'VAT rate in percent, e.g. 21 or 5.5.' })
  vatRate!: number;

  @Field(() => Money)
  net!: Money;

  @Field(() => Money)
  tax!: Money;

  @Field(() => Money)
  gross!: Money;
}

@ObjectType({ simpleResolvers: true, description: 'The taxable amount and VAT of all lines at one rate (RD 1619/2012, art. 6.2).' })
export class InvoiceTaxBreakdown {
  @Field(() => Float, { description: 'VAT rate in percent.' })
  vatRate!: number;

  @Field(() => Money)
  net!: Money;

  @Field(() => Money)
  tax!: Money;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A seller's invoice to a customer for one order, or a credit note correcting one." })
export class Invoice extends Node implements NodeSource {
  __typename!: 'Invoice';
  uuid!: string;
  sellerUuid!: string;
  customerUuid!: string;
  orderUuid!: string;
  correctsUuid!: string | null;

  @Field({ description: 'Consecutive per seller, series and year, e.g. ACME-2026-000042 or ACME-R-2026-000001.' })
  number!: string;

  @Field(() => InvoiceKind)
  kind!: InvoiceKind;

  @Field()
  issuedAt!: Date;

  @Field(() => InvoiceIssuer)
  issuer!: InvoiceIssuer;

  @Field(() => InvoiceBuyer)
  buyer!: InvoiceBuyer;

  @Field(() => [InvoiceLine], { description: 'The goods, then the shipping (when charged).' })
  lines!: InvoiceLine[];

  @Field(() => [InvoiceTaxBreakdown], { description: 'Net and VAT per rate, highest rate first.' })
  taxBreakdown!: InvoiceTaxBreakdown[];

  @Field(() => Money)
  net!: Money;

  @Field(() => Money)
  tax!: Money;

  @Field(() => Money)
  gross!: Money;

  @Field(() => String, { nullable: true, description: 'Why a credit note was issued; null on invoices.' })
  reason!: string | null;

  @Field({ description: 'The PDF, with the same Authorization header as /graphql.' })
  pdfUrl!: string;
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
}

/** Selects an InvoiceRow from `invoice i`. */
export const INVOICE_COLUMNS = `i.id, i.seller_id AS "sellerId", i.customer_id AS "customerId", i.order_id AS "orderId", i.kind,
  i.corrects_invoice_id AS "correctsInvoiceId", i.number, i.issued_at AS "issuedAt", i.issuer, i.buyer, i.lines,
  i.currency, i.net, i.tax, i.gross, i.reason`;

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
    buyer: r.buyer,
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
    pdfUrl: `/invoices/${id}.pdf`,
  };
}
