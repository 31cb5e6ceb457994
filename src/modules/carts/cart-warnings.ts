import type { Context } from '../../core/context';
import { CartWarningCode, type Cart, type CartWarning } from './cart.type';
import { cartLineStates, cartSummary, type LineState } from './cart-totals';

/** What changed under a line since it was added. Computed on every read, so it is never stale. */
export function lineWarnings(s: LineState): CartWarning[] {
  const lineId = s.line.id;
  const title = s.product.title;
  if (!s.available) {
    return [{ code: CartWarningCode.LISTING_UNAVAILABLE, message: `${title} is no longer available; it is left out of the totals.`, lineId }];
  }
  const warnings: CartWarning[] = [];
  if (s.unitPrice.amount !== s.line.priceAtAdd.amount) {
    warnings.push({
      code: CartWarningCode.PRICE_CHANGED,
      message: `The price of ${title} changed from ${s.line.priceAtAdd.formatted} to ${s.unitPrice.formatted}.`,
      lineId,
    });
  }
  if (s.line.quantity > s.listing.stock) {
    const message = s.listing.stock === 0 ? `${title} is out of stock.` : `Only ${s.listing.stock} left of ${title}.`;
    warnings.push({ code: CartWarningCode.INSUFFICIENT_STOCK, message, lineId });
  }
  return warnings;
}

export async function cartWarnings(ctx: Context, cart: Cart): Promise<CartWarning[]> {
  const [states, summary] = await Promise.all([cartLineStates(ctx, cart), cartSummary(ctx, cart)]);
  const adjusterWarnings = summary.warnings.map((w) => ({ code: CartWarningCode.ADJUSTMENT, message: w.message, lineId: null, reason: w.code }));
  return [...states.flatMap(lineWarnings), ...adjusterWarnings];
}
