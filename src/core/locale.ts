/**
 * The languages the API speaks (issue 13): money, dates, messages and the invoices' legal labels. A
 * customer's profile `locale` wins; otherwise the request's Accept-Language; otherwise English.
 */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The supported language of a BCP 47 tag ("es-ES" → es), or null. */
export function supportedLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const language = tag.slice(0, 3).split(/[-_]/)[0]!.toLowerCase();
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : null;
}

/**
 * The best supported language of an Accept-Language header (RFC 9110 §12.5.4): highest q first, ties in
 * the order given; q=0 refuses. Only the first 20 entries of the first 500 characters are read.
 */
export function negotiateLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  let best: { locale: Locale; q: number } | null = null;
  for (const part of header.slice(0, 500).split(',').slice(0, 20)) {
    const [tag, ...params] = part.trim().split(';');
    const locale = supportedLocale(tag?.trim());
    if (!locale) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0) || q > 1) continue;
    if (!best || q > best.q) best = { locale, q };
  }
  return best?.locale ?? null;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A date as people of `locale` write it ("30 de noviembre de 2026", "30 November 2026"), in `timeZone`. */
export function formatDate(date: Date, locale: Locale, timeZone = 'Europe/Madrid'): string {
  const key = `${locale}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', { timeZone, dateStyle: 'long' });
    dateFormats.set(key, f);
  }
  return f.format(date);
}
