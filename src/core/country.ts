/**
 * ISO 3166-1 alpha-2 country codes, from the ICU data Node ships (`Intl.DisplayNames` answers the code
 * itself for a region it doesn't know), without what ICU knows that ISO 3166-1 doesn't assign to a
 * country: user-assigned codes (AA, QM–QZ, XA–XZ incl. Kosovo's XK, ZZ), exceptionally reserved ones
 * (AC, CP, CQ, DG, EA, EU, EZ, FX, IC, SU, TA, UK, UN) and withdrawn ones (AN, BU, CS, DD, DY, HV, NH, RH,
 * TP, VD, YD, YU, ZR). Issue 9: `XX` was accepted and invoiced as a VAT-free export.
 */
const NOT_COUNTRIES = new Set(
  'AC CP CQ DG EA EU EZ FX IC SU TA UK UN AN BU CS DD DY HV NH RH TP VD YD YU ZR'.split(' '),
);

const userAssigned = (code: string) =>
  code === 'AA' || code === 'ZZ' || code[0] === 'X' || (code[0] === 'Q' && code[1]! >= 'M');

let countries: ReadonlySet<string> | undefined;

/** Every ISO 3166-1 alpha-2 code (249 of them with the ICU of Node 20). */
export function countryCodes(): ReadonlySet<string> {
  if (countries) return countries;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const found = new Set<string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (!NOT_COUNTRIES.has(code) && !userAssigned(code) && names.of(code) !== code) found.add(code);
    }
  }
  countries = found;
  return found;
}

/** Whether `code` (upper case) is an ISO 3166-1 alpha-2 country code. */
export const isCountryCode = (code: string): boolean => countryCodes().has(code);
