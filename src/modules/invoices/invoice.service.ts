import type { Context } from '../../core/context';
import type { Viewer } from '../../auth/viewer';
import { actingSeller, mayContactBuyer, sellerMay } from '../../auth/guards';
import { badInput } from '../../core/errors';
import { checkPageSize, decodeKeyset, encodeCursor, toConnection } from '../../core/connection';
import { idOf, requireIdOf } from '../../core/global-id';
import { INVOICE_COLUMNS, toInvoice, type InvoiceRow } from './invoice.rows';
import { pdfDigest, pdfInputOf, storedPdf } from './invoice-pdf-store';
import type { Invoice, InvoiceBuyer } from './invoice.type';

/** An invoice is seen by its buyer, its issuer and the operator; by nobody else, not even as "forbidden". */
export function canSeeInvoice(viewer: Viewer, invoice: Pick<Invoice, 'sellerUuid' | 'customerUuid'>): boolean {
  switch (viewer.kind) {
    case 'admin':
      return true;
    case 'customer':
      return viewer.customerId === invoice.customerUuid;
    case 'seller':
      return sellerMay(viewer, invoice.sellerUuid, 'orders:read');
    default:
      return false;
  }
}

export async function findInvoice(ctx: Context, uuid: string): Promise<Invoice | null> {
  const invoice = await ctx.loaders.invoiceById.load(uuid);
  return invoice && canSeeInvoice(ctx.viewer, invoice) ? invoice : null;
}

/** `invoice(id:)`: a malformed ID is BAD_USER_INPUT; someone else's invoice is null, like a missing one. */
export function findInvoiceById(ctx: Context, globalId: string): Promise<Invoice | null> {
  return findInvoice(ctx, requireIdOf(globalId, 'Invoice'));
}

/** The invoice a credit note corrects; visible to whoever sees the credit note (same seller and buyer). */
export async function correctedInvoice(ctx: Context, creditNote: Invoice): Promise<Invoice | null> {
  return creditNote.correctsUuid ? findInvoice(ctx, creditNote.correctsUuid) : null;
}

interface InvoicePage {
  first: number;
  after?: string | null;
}

/** One page of invoices newest first, under `where` (SQL over `invoice i`, parameters from $1). */
async function pageOfInvoices(ctx: Context, where: string[], params: unknown[], { first, after }: InvoicePage) {
  checkPageSize(first);
  if (after) {
    const { key, id } = decodeKeyset(after);
    params.push(key, id);
    where.push(`(i.issued_at, i.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(first + 1);
  // The cursor keeps issued_at as PostgreSQL's text: a JS Date would drop the microseconds.
  const rows: (InvoiceRow & { sortKey: string })[] = await ctx.db.query(
    `SELECT ${INVOICE_COLUMNS}, i.issued_at::text AS "sortKey" FROM invoice i
      WHERE ${where.join(' AND ')} ORDER BY i.issued_at DESC, i.id DESC LIMIT $${params.length}`,
    params,
  );
  return toConnection(rows, first, (r) => encodeCursor([r.sortKey, r.id]), toInvoice);
}

/**
 * `Customer.invoices`: the customer and the operator see all of them; a seller only those it issued
 * (a seller can't load a Customer today, but the rule holds wherever the field shows up); anyone else none.
 */
export function listCustomerInvoices(ctx: Context, customerUuid: string, page: InvoicePage) {
  const { viewer } = ctx;
  const where = ['i.customer_id = $1'];
  const params: unknown[] = [customerUuid];
  if (viewer.kind === 'seller') {
    params.push(viewer.sellerId);
    if (!sellerMay(viewer, viewer.sellerId, 'orders:read')) where.push('false');
    where.push('i.seller_id = $2');
  } else if (viewer.kind !== 'admin' && !(viewer.kind === 'customer' && viewer.customerId === customerUuid)) {
    where.push('false');
  }
  return pageOfInvoices(ctx, where, params, page);
}

/** `sellerInvoices`: a seller key lists its own invoices; the operator names the seller. */
export function listSellerInvoices(ctx: Context, args: InvoicePage & { year?: number | null; sellerId?: string | null }) {
  const sellerUuid = actingSeller(ctx.viewer, args.sellerId ? requireIdOf(args.sellerId, 'Seller', 'sellerId') : null, 'orders:read');
  const where = ['i.seller_id = $1'];
  const params: unknown[] = [sellerUuid];
  if (args.year != null) {
    if (!Number.isInteger(args.year) || args.year < 2000 || args.year > 9999) throw badInput('year must be between 2000 and 9999.', 'year');
    params.push(args.year);
    where.push('i.year = $2');
  }
  return pageOfInvoices(ctx, where, params, args);
}

/** An invoice's PDF: its `etag` names its content, so a client's cached copy is checked without `load`ing it. */
export interface InvoicePdf {
  filename: string;
  etag: string;
  load(): Promise<Buffer>;
}

/** The buyer as the viewer may see them: the invoice keeps what the law asks; email and phone follow mayContactBuyer. */
export async function invoiceBuyer(ctx: Context, invoice: Invoice): Promise<InvoiceBuyer> {
  const { buyer } = invoice;
  if (ctx.viewer.kind !== 'seller' || mayContactBuyer(ctx.viewer, await ctx.loaders.buyerSharesProfile.load(invoice.customerUuid))) return buyer;
  return { ...buyer, email: null, address: { ...buyer.address, phone: null } };
}

/** The PDF of an invoice the viewer may see; null for a malformed ID, a missing invoice or someone else's. */
export async function invoicePdf(ctx: Context, globalId: string): Promise<InvoicePdf | null> {
  const uuid = idOf(globalId, 'Invoice');
  const invoice = uuid ? await findInvoice(ctx, uuid) : null;
  if (!invoice) return null;
  const corrected = await correctedInvoice(ctx, invoice);
  const input = pdfInputOf(invoice, corrected?.number ?? null);
  const digest = pdfDigest(input);
  return { filename: `${invoice.number}.pdf`, etag: `"${digest}"`, load: () => storedPdf(ctx, invoice.uuid, digest, input) };
}
