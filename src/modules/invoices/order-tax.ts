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

/** A discount or surcharge of the order (core/adjustments.ts, as stored in order_adjustment). */
export interface TaxableAdjustment {
  label: string;
  kind: 'DISCOUNT' | 'SURCHARGE';
  target: 'ITEMS' | 'SHIPPING';
  amount: number;
  /** Per goods line (same order as the lines), the part of an ITEMS discount on it. */
  perLine: readonly number[];
  /** Surcharges only; default standard. */
  taxClass?: TaxClass | null;
}

/** One line of an adjustment on the invoice: a discount is negative, one per VAT rate it touches. */
export interface AdjustmentSplit extends TaxSplit {
  label: string;
}

export interface OrderTaxes {
  /** One per goods line, in order, at the full price. */
  lines: TaxSplit[];
  /** The shipping line; null when shipping is free. */
  shipping: TaxSplit | null;
  /** Discount lines (negative) and surcharge lines, in the order applied. */
  adjustments: AdjustmentSplit[];
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

/** A discount's split: the mirror of the positive amount's, so a discount and a charge of the same amount cancel exactly. */
function negative(amount: number, rate: number): TaxSplit {
  const s = split(amount, rate);
  return { rate, gross: -s.gross, net: -s.net, tax: -s.tax };
}

/**
 * A discount reduces the taxable amount of what it discounts (Ley 37/1992 del IVA, art. 78.Tres.2º;
 * Directive 2006/112/EC, art. 79.b): a goods discount is split by the VAT rate of the lines it is on
 * (one invoice line per rate), a shipping discount takes shipping's rate; a surcharge is taxed at its class.
 */
function adjustmentSplits(adjustments: readonly TaxableAdjustment[], lines: readonly TaxableLine[], shippingRate: number, country: string): AdjustmentSplit[] {
  const out: AdjustmentSplit[] = [];
  for (const a of adjustments) {
    if (a.kind === 'SURCHARGE') {
      out.push({ label: a.label, ...split(a.amount, vatRate(country, a.taxClass ?? 'standard')) });
    } else if (a.target === 'SHIPPING') {
      out.push({ label: a.label, ...negative(a.amount, shippingRate) });
    } else {
      const byRate = new Map<number, number>();
      a.perLine.forEach((part, i) => {
        if (part > 0) {
          const rate = vatRate(country, lines[i]!.taxClass);
          byRate.set(rate, (byRate.get(rate) ?? 0) + part);
        }
      });
      for (const [rate, amount] of [...byRate].sort(([x], [y]) => y - x)) out.push({ label: a.label, ...negative(amount, rate) });
    }
  }
  return out;
}

/**
 * The VAT of an order shipped to `country`, per line, as its invoice prints it. Prices include VAT
 * (consumer prices in the EU do), so each line's VAT is extracted from its total and rounded per line:
 * every line's net + tax is its gross, and the totals are the sums of the lines. Discounts are lines of
 * their own, negative, at the rates of what they discount, so the VAT per rate is the VAT of the
 * discounted amounts (to the cent of per-line rounding) and the invoice adds up to what was charged.
 */
export function taxOrder(lines: readonly TaxableLine[], shipping: number, country: string, adjustments: readonly TaxableAdjustment[] = []): OrderTaxes {
  const goods = lines.map((l) => split(l.total, vatRate(country, l.taxClass)));
  const shippingRate = shippingVatRate(lines, country);
  const ship = shipping === 0 ? null : split(shipping, shippingRate);
  const adjusted = adjustmentSplits(adjustments, lines, shippingRate, country);
  const all: TaxSplit[] = [...goods, ...(ship ? [ship] : []), ...adjusted];
  const sum = (key: 'net' | 'tax' | 'gross') => all.reduce((total, s) => total + s[key], 0);
  return { lines: goods, shipping: ship, adjustments: adjusted, net: sum('net'), tax: sum('tax'), gross: sum('gross') };
}

/** The VAT inside an order's total, rounded exactly as its invoice rounds it (checkout stores it as orders.tax). */
export function orderTax(lines: readonly TaxableLine[], shipping: number, country: string, adjustments: readonly TaxableAdjustment[] = []): number {
  return taxOrder(lines, shipping, country, adjustments).tax;
}
