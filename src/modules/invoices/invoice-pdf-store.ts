import { createHash } from 'node:crypto';
import type { Context } from '../../core/context';
import type { Money } from '../../core/money';
import type { InvoicePdfInput } from './invoice.pdf';
import { InvoiceKind, type Invoice } from './invoice.type';
import { supportedLocale } from '../../core/locale';
import { INVOICE_LABELS } from './invoice-labels';
import { isShippingLine } from './invoice.rows';

/** Bump when the layout of invoice.pdf.ts changes: PDFs stored before are then rendered again on request. */
const LAYOUT_VERSION = 2;


export function pdfInputOf(invoice: Invoice, correctedNumber: string | null): InvoicePdfInput {
  // The language the buyer had when the invoice was issued; English for invoices issued before it was kept.
  const locale = supportedLocale(invoice.buyer.locale) ?? 'en';
  const formatted = (m: Money) => ({ formatted: m.format(locale) });
  return {
    locale,
    reverseCharge: invoice.reverseCharge,
    creditNote: invoice.kind === InvoiceKind.CREDIT_NOTE,
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    correctedNumber,
    reason: invoice.reason,
    issuer: invoice.issuer,
    // Contact details never reach the PDF (nor its digest): see renderInvoicePdf.
    buyer: { name: invoice.buyer.name, address: { ...invoice.buyer.address, phone: null }, vatNumber: invoice.buyer.vatNumber },
    lines: invoice.lines.map((l) => ({
      description: isShippingLine(l) ? INVOICE_LABELS[locale].shipping : l.description,
      quantity: l.quantity,
      unitNetPrice: formatted(l.unitNetPrice),
      vatRate: l.vatRate,
      net: formatted(l.net),
      tax: formatted(l.tax),
      gross: formatted(l.gross),
    })),
    taxBreakdown: invoice.taxBreakdown.map((b) => ({ vatRate: b.vatRate, net: formatted(b.net), tax: formatted(b.tax) })),
    net: formatted(invoice.net),
    tax: formatted(invoice.tax),
    gross: formatted(invoice.gross),
  };
}

/** Names one rendering: the same input and layout always give the same PDF, so it is also the ETag. */
export function pdfDigest(input: InvoicePdfInput): string {
  return createHash('sha256').update(`${LAYOUT_VERSION}\n${JSON.stringify(input)}`).digest('base64url');
}

/**
 * The PDF of `input`, rendered once (issue 9: ~35 ms of pdfkit per request before) by the app's worker
 * thread and kept in invoice_pdf; invoices never change, so neither does their PDF. Keyed by the digest of
 * what it shows rather than by invoice alone: a rendering that differs by viewer (say, without the
 * buyer's contact details) is stored as its own row and never served in place of another.
 */
export async function storedPdf(ctx: Context, invoiceUuid: string, digest: string, input: InvoicePdfInput): Promise<Buffer> {
  const rows: { pdf: Buffer }[] = await ctx.db.query('SELECT pdf FROM invoice_pdf WHERE invoice_id = $1 AND digest = $2', [invoiceUuid, digest]);
  if (rows[0]) return rows[0].pdf;
  // Stored inside the shared rendering: a request that missed the row while it was being written waits for it.
  return ctx.pdfRenderer.render(digest, input, async (pdf) => {
    await ctx.db.query('INSERT INTO invoice_pdf (invoice_id, digest, pdf) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [invoiceUuid, digest, pdf]);
  });
}
