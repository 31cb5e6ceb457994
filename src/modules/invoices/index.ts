import { defineModule } from '../../core/module';
import { invoiceLoaders } from './invoice.loaders';
import { invoicePrivacy } from './invoice.privacy';
import { CustomerInvoicesResolver } from './customer-invoices.resolver';
import { InvoiceResolver } from './invoice.resolver';
import { findInvoice } from './invoice.service';

export type { IssuedInvoice } from './invoice-issuing';
export { invoicePartiesOf, issueNewOrderInvoices, type InvoiceParties, type InvoiceParty, type NewOrder } from './new-order-invoices';
export { PARTY_COLUMNS } from './invoice-issuing';
export { issueCreditNote, issueRefundCreditNote, type RefundedLine } from './credit-note';
export { isReverseCharged } from './reverse-charge';
export { orderTax, taxOrder, shippingVatRate, type TaxableLine, type TaxSplit, type OrderTaxes } from './order-tax';
export { vatRate, splitGross, isEuVatCountry, type TaxClass } from './vat-rates';
export { Invoice, InvoiceKind } from './invoice.type';
export { canSeeInvoice, invoicePdf, type InvoicePdf } from './invoice.service';
export { createPdfRenderer, type PdfRenderer } from './invoice-pdf-renderer';

export default defineModule({
  name: 'invoices',
  entities: [],
  resolvers: [InvoiceResolver, CustomerInvoicesResolver],
  loaders: invoiceLoaders,
  nodes: { Invoice: findInvoice },
  privacy: invoicePrivacy,
});
