import { readFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { AddressData } from '../../core/address';
import { formatDate, type Locale } from '../../core/locale';
import { INVOICE_TIME_ZONE } from './invoice-numbering';
import { INVOICE_LABELS } from './invoice-labels';
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

/** Table columns: [x, width, align]; their headers are the labels' `columns`. */
const columns = [
  [LEFT, 175, 'left'],
  [230, 30, 'right'],
  [265, 55, 'right'],
  [325, 35, 'right'],
  [365, 60, 'right'],
  [430, 55, 'right'],
  [490, 55, 'right'],
] as const;

const addressLines = (a: AddressData | null): string[] =>
  a ? [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country].filter((l): l is string => Boolean(l)) : [];

const percent = (rate: number, locale: Locale) => `${locale === 'es' ? String(rate).replace('.', ',') : rate}%`;
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
  /** The buyer's language, as recorded on the invoice: labels, dates and amounts (issue 13). */
  locale: Locale;
  creditNote: boolean;
  /** Reverse-charged (reverse-charge.ts): no VAT, and the legal mention. */
  reverseCharge: boolean;
  number: string;
  issuedAt: Date;
  correctedNumber: string | null;
  reason: string | null;
  issuer: IssuerData;
  /** Name, address and VAT number only: see renderInvoicePdf. */
  buyer: Pick<BuyerData, 'name' | 'address'> & { vatNumber: string | null };
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
  const { creditNote, correctedNumber, locale } = invoice;
  const t = INVOICE_LABELS[locale];
  const doc = new PDFDocument({
    size: 'A4',
    margin: LEFT,
    // Dated by the invoice, not the clock: the same invoice renders to the same bytes (and file ID).
    info: {
      Title: `${creditNote ? t.creditNote : t.invoice} ${invoice.number}`,
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

  doc.font(BOLD).fontSize(18).text(creditNote ? t.creditNote : t.invoice, LEFT, 50);
  doc.font(REGULAR).fontSize(10);
  doc.text(`${t.number}: ${invoice.number}`).text(`${t.issued}: ${formatDate(new Date(invoice.issuedAt), locale, INVOICE_TIME_ZONE)}`);
  if (creditNote) {
    doc.text(`${t.corrects}: ${correctedNumber ?? '?'}`).text(`${t.reason}: ${invoice.reason ?? ''}`, { width: RIGHT - LEFT });
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
  const issuerBottom = party('left', t.seller, [issuer.legalName, ...(issuer.taxId ? [`${t.taxId}: ${issuer.taxId}`] : []), ...addressLines(issuer.address)]);
  const buyerBottom = party('right', t.buyer, [buyer.name, ...(buyer.vatNumber ? [`${t.vatNumber}: ${buyer.vatNumber}`] : []), ...addressLines(buyer.address)]);

  let y = Math.max(issuerBottom, buyerBottom) + 20;
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? BOLD : REGULAR).fontSize(8);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]![1] })));
    if (y + height > BOTTOM) {
      doc.addPage();
      y = 50;
    }
    cells.forEach((c, i) => {
      const [x, width, align] = columns[i]!;
      doc.text(c, x, y, { width, align });
    });
    y += height + 4;
  };
  row([...t.columns], true);
  doc.moveTo(LEFT, y - 2).lineTo(RIGHT, y - 2).stroke();
  for (const l of invoice.lines) {
    row([l.description, String(l.quantity), amount(l.unitNetPrice), percent(l.vatRate, locale), amount(l.net), amount(l.tax), amount(l.gross)]);
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
    summary(t.taxableAt(percent(b.vatRate, locale)), amount(b.net));
    summary(t.vatAt(percent(b.vatRate, locale)), amount(b.tax));
  }
  summary(t.totalNet, amount(invoice.net));
  summary(t.totalVat, amount(invoice.tax));
  summary(t.total, amount(invoice.gross), true);

  const mention = invoice.reverseCharge ? t.reverseCharge : isEuVatCountry(buyer.address.country) ? null : t.exportExempt;
  if (mention) doc.font(REGULAR).fontSize(8).text(mention, LEFT, y + 10, { width: RIGHT - LEFT });
  doc.end();
  return done;
}
