import type { Context } from '../../core/context';
import { Money } from '../../core/money';
import { isListingVisible } from '../catalog';
import type { Listing } from '../catalog/listing.type';
import type { Product } from '../catalog/product.type';
import type { Seller } from '../sellers';
import type { Cart, CartLine, CartSellerGroup } from './cart.type';

/** A cart line with the catalog rows it depends on, as they are now. */
export interface LineState {
  line: CartLine;
  listing: Listing;
  seller: Seller;
  product: Product;
  /** Whether the line can be bought now; lines that can't are left out of groups and totals. */
  available: boolean;
  /** The listing's current price: the cart always charges today's price (price_at_add only feeds warnings). */
  unitPrice: Money;
  subtotal: Money;
}

export interface CartSummary {
  groups: CartSellerGroup[];
  subtotal: Money;
  shipping: Money;
  total: Money;
  totalQuantity: number;
}

/** The catalog's visibility rule plus the cart's currency (stock is a warning, not a reason to drop a line). */
export function purchasable(listing: Listing, seller: Seller, product: Product, currency: string): boolean {
  return isListingVisible(listing, seller, product) && listing.price.currency === currency;
}

/** Loads what a line depends on through the request's loaders: a cart of any size costs one batch per table. */
export async function lineState(ctx: Context, line: CartLine): Promise<LineState> {
  // Listings are never deleted (cart_line references them), nor are their sellers and products.
  const listing = (await ctx.loaders.listingById.load(line.listingUuid))!;
  const [seller, product] = await Promise.all([
    ctx.loaders.sellerById.load(listing.sellerUuid),
    ctx.loaders.productById.load(listing.productUuid),
  ]);
  const currency = line.priceAtAdd.currency;
  return {
    line,
    listing,
    seller: seller!,
    product: product!,
    available: purchasable(listing, seller!, product!, currency),
    unitPrice: listing.price,
    subtotal: new Money(listing.price.amount * line.quantity, listing.price.currency),
  };
}

export async function cartLineStates(ctx: Context, cart: Cart): Promise<LineState[]> {
  const lines = await ctx.loaders.cartLinesByCartId.load(cart.uuid);
  return Promise.all(lines.map((line) => lineState(ctx, line)));
}

/**
 * Shipping of one seller's group: its flat rate, free once the group's subtotal reaches the seller's
 * threshold. `remaining` is what is left to reach it (null when the seller has none).
 */
export function sellerShipping(seller: Seller, subtotal: number): { shipping: number; remaining: number | null } {
  const threshold = seller.freeShippingThreshold;
  if (threshold === null) return { shipping: seller.shippingRate, remaining: null };
  return subtotal >= threshold ? { shipping: 0, remaining: 0 } : { shipping: seller.shippingRate, remaining: threshold - subtotal };
}

/** Groups the available lines by seller (in the order their first line was added) and adds up the cart. */
export function summarize(currency: string, states: readonly LineState[]): CartSummary {
  const bySeller = new Map<string, LineState[]>();
  for (const state of states) {
    if (!state.available) continue;
    const group = bySeller.get(state.seller.uuid);
    if (group) group.push(state);
    else bySeller.set(state.seller.uuid, [state]);
  }
  const money = (amount: number) => new Money(amount, currency);
  let subtotal = 0;
  let shipping = 0;
  let totalQuantity = 0;
  const groups = [...bySeller.values()].map((group): CartSellerGroup => {
    const seller = group[0]!.seller;
    const groupSubtotal = group.reduce((sum, s) => sum + s.subtotal.amount, 0);
    const { shipping: groupShipping, remaining } = sellerShipping(seller, groupSubtotal);
    subtotal += groupSubtotal;
    shipping += groupShipping;
    totalQuantity += group.reduce((sum, s) => sum + s.line.quantity, 0);
    return {
      seller,
      lines: group.map((s) => s.line),
      subtotal: money(groupSubtotal),
      shipping: money(groupShipping),
      total: money(groupSubtotal + groupShipping),
      freeShippingRemaining: remaining === null ? null : money(remaining),
    };
  });
  return { groups, subtotal: money(subtotal), shipping: money(shipping), total: money(subtotal + shipping), totalQuantity };
}

export async function cartSummary(ctx: Context, cart: Cart): Promise<CartSummary> {
  return summarize(cart.currency, await cartLineStates(ctx, cart));
}
