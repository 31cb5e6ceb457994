import { vatNumberCountry } from '../../core/vat-number';
import type { OrderTaxes, TaxSplit } from './order-tax';
import { isEuVatCountry } from './vat-rates';

export interface VatParties {
  /** The seller's country (its legal address); null: not known. */
  sellerCountry: string | null;
  /** The buyer's normalised VAT number; null for a consumer. */
  buyerVatNumber: string | null;
  /** Where the goods go. */
  shipTo: string;
}

/**
 * An intra-Community supply of goods to a VAT-registered business: the goods leave the seller's member
 * state for another one, and the buyer gave a VAT number (valid in format) of a member state other than
 * the seller's. The supply is exempt where it leaves (Directive 2006/112/EC, art. 138.1; Ley 37/1992 del
 * IVA, art. 25) and the buyer accounts for the VAT of the acquisition where it arrives (art. 200):
 * the invoice charges no VAT and says why (art. 226.11). Consumers, domestic sales and exports are not.
 */
export function isReverseCharged({ sellerCountry, buyerVatNumber, shipTo }: VatParties): boolean {
  if (!sellerCountry || !buyerVatNumber) return false;
  const buyerCountry = vatNumberCountry(buyerVatNumber);
  if (!buyerCountry || buyerCountry === sellerCountry) return false;
  return isEuVatCountry(sellerCountry) && isEuVatCountry(shipTo) && shipTo !== sellerCountry;
}

const zero = (s: TaxSplit): TaxSplit => ({ rate: 0, net: s.gross, tax: 0, gross: s.gross });

/** The same amounts with no VAT in them: every line's taxable amount is what the buyer pays. */
export function zeroRated<T extends OrderTaxes>(taxes: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(taxes)) {
    if (Array.isArray(value)) out[key] = value.map((s: TaxSplit) => zero(s));
    else if (value && typeof value === 'object') out[key] = zero(value as TaxSplit);
    else out[key] = value;
  }
  return { ...(out as T), net: taxes.gross, tax: 0, gross: taxes.gross };
}
