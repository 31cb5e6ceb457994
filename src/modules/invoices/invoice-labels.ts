import type { Locale } from '../../core/locale';

/**
 * What an invoice or credit note PDF says, in the buyer's language (issue 13). The Spanish titles are the
 * legal names of the documents (RD 1619/2012: "factura", art. 6; "factura rectificativa", art. 15).
 */
export interface InvoiceLabels {
  invoice: string;
  creditNote: string;
  number: string;
  issued: string;
  corrects: string;
  reason: string;
  seller: string;
  buyer: string;
  taxId: string;
  vatNumber: string;
  columns: [description: string, qty: string, unitNet: string, vatPercent: string, net: string, vat: string, total: string];
  shipping: string;
  taxableAt(rate: string): string;
  vatAt(rate: string): string;
  totalNet: string;
  totalVat: string;
  total: string;
  /** Art. 6.1.j: the exemption an export relies on. */
  exportExempt: string;
  /** Directive 2006/112/EC, art. 226.11 and 11a: why no VAT is charged, and that the buyer accounts for it. */
  reverseCharge: string;
}

export const INVOICE_LABELS: Record<Locale, InvoiceLabels> = {
  en: {
    invoice: 'INVOICE',
    creditNote: 'CREDIT NOTE',
    number: 'Number',
    issued: 'Issued',
    corrects: 'Corrects invoice',
    reason: 'Reason',
    seller: 'Seller',
    buyer: 'Buyer',
    taxId: 'Tax ID',
    vatNumber: 'VAT number',
    columns: ['Description', 'Qty', 'Unit net', 'VAT %', 'Net', 'VAT', 'Total'],
    shipping: 'Shipping',
    taxableAt: (rate) => `Taxable amount at ${rate}`,
    vatAt: (rate) => `VAT at ${rate}`,
    totalNet: 'Total net',
    totalVat: 'Total VAT',
    total: 'Total',
    exportExempt: 'VAT exempt: export of goods outside the EU (Ley 37/1992 del IVA, art. 21).',
    reverseCharge:
      'Reverse charge: intra-Community supply of goods exempt from VAT (Directive 2006/112/EC, art. 138; Ley 37/1992 del IVA, art. 25). VAT is to be accounted for by the customer.',
  },
  es: {
    invoice: 'FACTURA',
    creditNote: 'FACTURA RECTIFICATIVA',
    number: 'Número',
    issued: 'Fecha de expedición',
    corrects: 'Rectifica la factura',
    reason: 'Motivo',
    seller: 'Vendedor',
    buyer: 'Comprador',
    taxId: 'NIF',
    vatNumber: 'NIF-IVA',
    columns: ['Descripción', 'Ud.', 'Precio neto', '% IVA', 'Base', 'IVA', 'Total'],
    shipping: 'Envío',
    taxableAt: (rate) => `Base imponible al ${rate}`,
    vatAt: (rate) => `IVA al ${rate}`,
    totalNet: 'Total base imponible',
    totalVat: 'Total IVA',
    total: 'Total',
    exportExempt: 'Exenta de IVA: exportación de bienes fuera de la UE (Ley 37/1992 del IVA, art. 21).',
    reverseCharge:
      'Inversión del sujeto pasivo: entrega intracomunitaria de bienes exenta de IVA (art. 25 Ley 37/1992 del IVA; art. 138 Directiva 2006/112/CE).',
  },
};
