/** VAT classes of goods; a category carries one (category.tax_class). */
export type TaxClass = 'standard' | 'reduced' | 'super_reduced';

/**
 * VAT rates in basis points (2100 = 21%) per EU country and class, as in force in 2026 (EU "VAT rates in
 * the Member States" table; Spain: Ley 37/1992 del IVA, arts. 90–91). Where a country has no
 * super-reduced rate its lowest reduced rate applies; where none, the standard rate.
 */
const rates: Record<string, [standard: number, reduced: number, superReduced: number]> = {
  ES: [2100, 1000, 400],
  AT: [2000, 1000, 1000],
  BE: [2100, 600, 600],
  BG: [2000, 900, 900],
  CY: [1900, 500, 500],
  CZ: [2100, 1200, 1200],
  DE: [1900, 700, 700],
  DK: [2500, 2500, 2500],
  EE: [2400, 900, 900],
  FI: [2550, 1400, 1000],
  FR: [2000, 550, 210],
  GR: [2400, 1300, 600],
  HR: [2500, 1300, 500],
  HU: [2700, 1800, 500],
  IE: [2300, 1350, 480],
  IT: [2200, 1000, 400],
  LT: [2100, 900, 500],
  LU: [1700, 800, 300],
  LV: [2100, 1200, 500],
  MT: [1800, 700, 500],
  NL: [2100, 900, 900],
  PL: [2300, 800, 500],
  PT: [2300, 1300, 600],
  RO: [2100, 1100, 1100],
  SE: [2500, 1200, 600],
  SI: [2200, 950, 500],
  SK: [2300, 1900, 500],
};

/**
 * Supplies to countries outside the table (outside the EU) are exports: 0% VAT. Addresses only ever hold
 * ISO 3166-1 countries (core/country.ts), so an unknown code such as `XX` never gets here as an "export".
 */
export function vatRate(country: string, taxClass: TaxClass): number {
  const row = rates[country.toUpperCase()];
  if (!row) return 0;
  return taxClass === 'standard' ? row[0] : taxClass === 'reduced' ? row[1] : row[2];
}

/**
 * Splits a VAT-inclusive amount (EU consumer prices include VAT) into net and tax, rounding the tax
 * half up to the cent, so net + tax is always exactly the gross.
 */
export function splitGross(gross: number, rateBasisPoints: number): { net: number; tax: number } {
  const net = Math.round((gross * 10_000) / (10_000 + rateBasisPoints));
  return { net, tax: gross - net };
}

/** Whether the country is an EU member state, where the destination's VAT applies to consumers. */
export function isEuVatCountry(country: string): boolean {
  return Object.hasOwn(rates, country.toUpperCase());
}
