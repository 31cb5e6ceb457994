import type { Context } from '../../core/context';
import type { Locale } from '../../core/locale';
import { CartWarningCode, type Cart, type CartWarning } from './cart.type';
import { cartLineStates, cartSummary, type LineState } from './cart-totals';

/** The warnings' messages in each language (issue 13); amounts come formatted for it. */
const MESSAGES: Record<Locale, { unavailable(t: string): string; priceChanged(t: string, from: string, to: string): string; outOfStock(t: string): string; onlyLeft(n: number, t: string): string }> = {
  en: {
    unavailable: (t) => `${t} is no longer available; it is left out of the totals.`,
    priceChanged: (t, from, to) => `The price of ${t} changed from ${from} to ${to}.`,
    outOfStock: (t) => `${t} is out of stock.`,
    onlyLeft: (n, t) => `Only ${n} left of ${t}.`,
  },
  es: {
    unavailable: (t) => `${t} ya no está disponible; no cuenta en los totales.`,
    priceChanged: (t, from, to) => `El precio de ${t} ha cambiado de ${from} a ${to}.`,
    outOfStock: (t) => `${t} está agotado.`,
    onlyLeft: (n, t) => `Solo quedan ${n} de ${t}.`,
  },
};

/** What changed under a line since it was added. Computed on every read, so it is never stale. */
export function lineWarnings(s: LineState, locale: Locale = 'en'): CartWarning[] {
  const m = MESSAGES[locale];
  const lineId = s.line.id;
  const title = s.product.title;
  if (!s.available) {
    return [{ code: CartWarningCode.LISTING_UNAVAILABLE, message: m.unavailable(title), lineId }];
  }
  const warnings: CartWarning[] = [];
  if (s.unitPrice.amount !== s.line.priceAtAdd.amount) {
    warnings.push({ code: CartWarningCode.PRICE_CHANGED, message: m.priceChanged(title, s.line.priceAtAdd.format(locale), s.unitPrice.format(locale)), lineId });
  }
  if (s.line.quantity > s.listing.stock) {
    const message = s.listing.stock === 0 ? m.outOfStock(title) : m.onlyLeft(s.listing.stock, title);
    warnings.push({ code: CartWarningCode.INSUFFICIENT_STOCK, message, lineId });
  }
  return warnings;
}

export async function cartWarnings(ctx: Context, cart: Cart): Promise<CartWarning[]> {
  const [states, summary, locale] = await Promise.all([cartLineStates(ctx, cart), cartSummary(ctx, cart), ctx.locale()]);
  const adjusterWarnings = summary.warnings.map((w) => ({ code: CartWarningCode.ADJUSTMENT, message: w.message, lineId: null, reason: w.code }));
  return [...states.flatMap((s) => lineWarnings(s, locale)), ...adjusterWarnings];
}
