import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MailingAddress } from '../../core/address';
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

  @Field(() => String, {
    nullable: true,
    description: 'For the buyer and the operator; for the seller only with the buyer’s share-profile consent and a key with customers:read (so is address.phone).',
  })
  email!: string | null;

  @Field(() => MailingAddress)
  address!: MailingAddress;

  @Field(() => String, { nullable: true, description: 'A business buyer’s EU VAT number, as printed; null for a consumer.' })
  vatNumber!: string | null;

  /** The language of the PDF's labels (invoice-labels.ts). */
  locale?: string;
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

  /** As issued; the API shows it through invoiceBuyer(), which applies the buyer-contact rule. */
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

  @Field({
    description:
      'An intra-EU sale to a business with a VAT number: no VAT charged, the buyer accounts for it (Directive 2006/112/EC, arts. 138 and 200); the PDF carries the legal mention.',
  })
  reverseCharge!: boolean;

  @Field({ description: 'The PDF, with the same Authorization header as /graphql.' })
  pdfUrl!: string;
}
