import { readFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { AddressData } from '../../core/address';
import { INVOICE_TIME_ZONE } from './invoice-numbering';
import type { BuyerData, IssuerData } from './invoice.rows';
import { isEuVatCountry } from './vat-rates';

const LEFT = 50;
const RIGHT = 545;
const BOTTOM = 780;

// PDF's built-in Helvetica covers only Western European letters: Polish, Czech, Greek or Bulgarian names
// would come out garbled. DejaVu Sans covers every EU language; pdfkit embeds just the glyphs used.
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts(): { regular: Buffer; bold: Buffer } {
  const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  fonts ??= { regular: readFileSync(path.join(dir, 'DejaVuSans.ttf')), bold: readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf')) };
  return fonts;
}
const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';

const issueDate = new Intl.DateTimeFormat('en-GB', { timeZone: INVOICE_TIME_ZONE, dateStyle: 'long' });

/** Table columns: [header, x, width, align]. */
const columns = [
  ['Description', LEFT, 175, 'left'],
  ['Qty', 230, 30, 'right'],
  ['Unit net', 265, 55, 'right'],
  ['VAT %', 325, 35, 'right'],
  ['Net', 365, 60, 'right'],
  ['VAT', 430, 55, 'right'],
  ['Total', 490, 55, 'right'],
] as const;

const addressLines = (a: AddressData | null): string[] =>
  a ? [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country].filter((l): l is string => Boolean(l)) : [];

const percent = (rate: number) => `${rate}%`;
const amount = (m: FormattedMoney) => m.formatted;

/** An amount as printed: Money's `formatted`, as plain data. */
export interface FormattedMoney {
  formatted: string;
}

/**
 * Everything the PDF shows and nothing else, as plain data: it crosses to the renderer's worker thread, and
 * its digest names the stored PDF (invoice-pdf-store.ts), so whatever changes the PDF changes the digest.
 */
export interface InvoicePdfInput {
  creditNote: boolean;
  number: string;
  issuedAt: Date;
  correctedNumber: string | null;
  reason: string | null;
  issuer: IssuerData;
  /** Name and address only: see renderInvoicePdf. */
  buyer: Omit<BuyerData, 'email'>;
  lines: { description: string; quantity: number; unitNetPrice: FormattedMoney; vatRate: number; net: FormattedMoney; tax: FormattedMoney; gross: FormattedMoney }[];
  taxBreakdown: { vatRate: number; net: FormattedMoney; tax: FormattedMoney }[];
  net: FormattedMoney;
  tax: FormattedMoney;
  gross: FormattedMoney;
}

/**
 * The invoice as a PDF: what RD 1619/2012, art. 6 requires on it (number and series, issue date, both
 * parties, per line the unit price without VAT, the rate and the VAT, the taxable amount per rate, the
 * total), plus for a credit note the invoice it corrects and why (art. 15), and for an export the
 * exemption it relies on (art. 6.1.j).
 */
// The buyer's email and phone are not on it: the law asks for name and address (art. 6.1.d–e), and the
// seller may read contact details only with the buyer's consent (issue 9), which the PDF cannot follow.
export function renderInvoicePdf(invoice: InvoicePdfInput): Promise<Buffer> {
  const { creditNote, correctedNumber } = invoice;
  const doc = new PDFDocument({
    size: 'A4',
    margin: LEFT,
    // Dated by the invoice, not the clock: the same invoice renders to the same bytes (and file ID).
    info: {
      Title: `${creditNote ? 'Credit note' : 'Invoice'} ${invoice.number}`,
      Author: invoice.issuer.legalName,
      CreationDate: new Date(invoice.issuedAt),
    },
  });
  const font = loadFonts();
  doc.registerFont(REGULAR, font.regular).registerFont(BOLD, font.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font(BOLD).fontSize(18).text(creditNote ? 'CREDIT NOTE (factura rectificativa)' : 'INVOICE (factura)', LEFT, 50);
  doc.font(REGULAR).fontSize(10);
  doc.text(`Number: ${invoice.number}`).text(`Issued: ${issueDate.format(invoice.issuedAt)}`);
  if (creditNote) {
    doc.text(`Corrects invoice: ${correctedNumber ?? 'unknown'}`).text(`Reason: ${invoice.reason ?? ''}`, { width: RIGHT - LEFT });
  }

  const partiesTop = doc.y + 15;
  const party = (x: string, title: string, lines: string[]) => {
    const left = x === 'left' ? LEFT : 310;
    doc.font(BOLD).fontSize(10).text(title, left, partiesTop);
    doc.font(REGULAR).fontSize(9);
    for (const line of lines) doc.text(line, left, undefined, { width: 235 });
    return doc.y;
  };
  const { issuer, buyer } = invoice;
  const issuerBottom = party('left', 'Seller', [issuer.legalName, ...(issuer.taxId ? [`Tax ID: ${issuer.taxId}`] : []), ...addressLines(issuer.address)]);
  const buyerBottom = party('right', 'Buyer', [buyer.name, ...addressLines(buyer.address)]);

  let y = Math.max(issuerBottom, buyerBottom) + 20;
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? BOLD : REGULAR).fontSize(8);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]![2] })));
    if (y + height > BOTTOM) {
      doc.addPage();
      y = 50;
    }
    cells.forEach((c, i) => {
      const [, x, width, align] = columns[i]!;
      doc.text(c, x, y, { width, align });
    });
    y += height + 4;
  };
  row(columns.map(([header]) => header), true);
  doc.moveTo(LEFT, y - 2).lineTo(RIGHT, y - 2).stroke();
  for (const l of invoice.lines) {
    row([l.description, String(l.quantity), amount(l.unitNetPrice), percent(l.vatRate), amount(l.net), amount(l.tax), amount(l.gross)]);
  }
  doc.moveTo(LEFT, y).lineTo(RIGHT, y).stroke();
  y += 8;

  const summary = (label: string, value: string, bold = false) => {
    if (y + 14 > BOTTOM) {
      doc.addPage();
      y = 50;
    }
    doc.font(bold ? BOLD : REGULAR).fontSize(9);
    doc.text(label, 300, y, { width: 180, align: 'right' }).text(value, 490, y, { width: 55, align: 'right' });
    y += 14;
  };
  for (const b of invoice.taxBreakdown) {
    summary(`Taxable amount at ${percent(b.vatRate)}`, amount(b.net));
    summary(`VAT at ${percent(b.vatRate)}`, amount(b.tax));
  }
  summary('Total net', amount(invoice.net));
  summary('Total VAT', amount(invoice.tax));
  summary('Total', amount(invoice.gross), true);

  if (!isEuVatCountry(buyer.address.country)) {
    doc.font(REGULAR).fontSize(8).text('VAT exempt: export of goods outside the EU (Ley 37/1992 del IVA, art. 21).', LEFT, y + 10, {
      width: RIGHT - LEFT,
    });
  }
  doc.end();
  return done;
}
