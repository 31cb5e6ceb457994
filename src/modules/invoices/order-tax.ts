import { splitGross, vatRate, type TaxClass } from './vat-rates';

export interface TaxableLine {
  /** VAT-inclusive line total, minor units. */
  total: number;
  taxClass: TaxClass;
}

/** One amount split into net and VAT at `rate` (basis points); net + tax === gross. */
export interface TaxSplit {
  rate: number;
  net: number;
  tax: number;
  gross: number;
}

export interface OrderTaxes {
  /** One per goods line, in order. */
  lines: TaxSplit[];
  /** The shipping line; null when shipping is free. */
  shipping: TaxSplit | null;
  net: number;
  tax: number;
  gross: number;
}

/**
 * Shipping's VAT rate: the highest rate among the goods it carries. Transport charged to the buyer
 * is part of the taxable amount of the goods (Ley 37/1992 del IVA, art. 78.Dos.1º), so it follows
 * their rate; when they carry several rates, the highest one never under-declares VAT and keeps
 * shipping one line (splitting it pro rata per rate is the alternative). No goods: the standard rate.
 */
export function shippingVatRate(lines: readonly { taxClass: TaxClass }[], country: string): number {
  if (lines.length === 0) return vatRate(country, 'standard');
  return Math.max(...lines.map((l) => vatRate(country, l.taxClass)));
}

function split(gross: number, rate: number): TaxSplit {
  if (!Number.isSafeInteger(gross) || gross < 0) throw new RangeError(`Not an amount in minor units: ${gross}`);
  return { rate, gross, ...splitGross(gross, rate) };
}

/**
 * The VAT of an order shipped to `country`, per line, as its invoice prints it. Prices include VAT
 * (consumer prices in the EU do), so each line's VAT is extracted from its total and rounded per line:
 * every line's net + tax is its gross, and the totals are the sums of the lines.
 */
export function taxOrder(lines: readonly TaxableLine[], shipping: number, country: string): OrderTaxes {
  const goods = lines.map((l) => split(l.total, vatRate(country, l.taxClass)));
  const ship = shipping === 0 ? null : split(shipping, shippingVatRate(lines, country));
  const all = ship ? [...goods, ship] : goods;
  const sum = (key: 'net' | 'tax' | 'gross') => all.reduce((total, s) => total + s[key], 0);
  return { lines: goods, shipping: ship, net: sum('net'), tax: sum('tax'), gross: sum('gross') };
}

/** The VAT inside an order's total, rounded exactly as its invoice rounds it (checkout stores it as orders.tax). */
export function orderTax(lines: readonly TaxableLine[], shipping: number, country: string): number {
  return taxOrder(lines, shipping, country).tax;
}
