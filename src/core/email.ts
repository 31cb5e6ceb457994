/** RFC 5321's limit on a forward path; longer input is refused before anything looks inside it. */
export const MAX_EMAIL_LENGTH = 254;

/**
 * `local@domain.tld` with no whitespace and one `@`: the rule the regular expression
 * `/^[^\s@]+@[^\s@]+\.[^\s@]+$/` stated, checked by hand in one pass. That expression backtracks
 * quadratically on `a@a.a.a.…@` (100k characters took 13 s, issue 9), so no pattern touches the address.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  for (let i = 0; i < value.length; i++) if (isSpace(value.charCodeAt(i))) return false;
  // A dot in the domain with something on both sides of it.
  const dot = value.indexOf('.', at + 2);
  return dot !== -1 && dot < value.length - 1;
}

// JavaScript's \s: ASCII whitespace, NBSP, the Unicode space separators, line/paragraph separators, BOM.
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
