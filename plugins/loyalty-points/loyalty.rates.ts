/** Pure conversions between money (minor units) and points; no floats touch an amount. */

const digits = new Map<string, number>();

/** Minor units per major unit as a power of ten: 2 for EUR (cents), 0 for JPY. */
function minorDigits(currency: string): number {
  let d = digits.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digits.set(currency, d);
  }
  return d;
}

/** floor(a × b / c) for non-negative integers, exact even where a × b passes 2^53. */
function mulDiv(a: number, b: number, c: number): number {
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Points for an amount: floor(amount in major units × pointsPerEuro). */
export function pointsFor(amountMinor: number, currency: string, pointsPerEuro: number): number {
  if (amountMinor <= 0) return 0;
  return mulDiv(amountMinor, pointsPerEuro, 10 ** minorDigits(currency));
}

/**
 * Redemption happens in whole minor units only: `step` is the smallest number of points worth a whole
 * number of cents (1 at the default 100 points = 1 EUR; 3 at 300 points = 1 EUR, worth 1 cent).
 */
export function redemptionStep(currency: string, pointsPerEuroCredit: number): number {
  return pointsPerEuroCredit / gcd(pointsPerEuroCredit, 10 ** minorDigits(currency));
}

/** The store credit, in minor units, of `points` (a multiple of redemptionStep). */
export function creditFor(points: number, currency: string, pointsPerEuroCredit: number): number {
  return mulDiv(points, 10 ** minorDigits(currency), pointsPerEuroCredit);
}
