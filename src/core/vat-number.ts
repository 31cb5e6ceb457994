/**
 * EU VAT identification numbers: the format of each member state's, as the Commission's VIES service
 * documents them ("VIES VAT number validation", format per Member State). A valid format is not a
 * registered number (only VIES can tell); it is what the marketplace can check without a network call.
 * Greece's numbers start with EL, not its ISO code GR (Directive 2006/112/EC, art. 215).
 */
const FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

/** Longest input looked at: the longest number (IE, NL, SE: 14 characters) with room for separators. */
export const VAT_NUMBER_MAX = 20;

/** The number as stored and printed: capitals, without the spaces, dots and dashes people type. */
export function normalizeVatNumber(input: string): string {
  return input.slice(0, VAT_NUMBER_MAX).toUpperCase().replace(/[\s.-]/g, '');
}

/** The ISO 3166-1 country of a valid-format EU VAT number (EL → GR), or null. */
export function vatNumberCountry(normalized: string): string | null {
  const prefix = normalized.slice(0, 2);
  const format = FORMATS[prefix];
  if (!format?.test(normalized.slice(2))) return null;
  return prefix === 'EL' ? 'GR' : prefix;
}
