import { runAdjusters, type AdjustableGroup, type AdjustmentWarning } from '../../core/adjustments';
import type { Context, Loaders } from '../../core/context';
import { Money } from '../../core/money';
import { isListingVisible } from '../catalog';
import type { Listing } from '../catalog/listing.type';
import type { Product } from '../catalog/product.type';
import type { Seller } from '../sellers';
import { AdjustmentKind, AdjustmentTarget, type Cart, type CartLine, type CartSellerGroup } from './cart.type';

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
  /** Discounts of every group, goods and shipping. */
  discountTotal: Money;
  total: Money;
  totalQuantity: number;
  /** Per cart line uuid: the discounts on it (goods only; shipping discounts are the group's). */
  lineDiscounts: Map<string, number>;
  /** The adjusters' notices (a code that does not apply, a budget used up). */
  warnings: AdjustmentWarning[];
}

/** A group before adjustments: its lines' states with the seller's shipping. */
interface GroupDraft {
  states: LineState[];
  group: CartSellerGroup;
}

/** The catalog's visibility rule plus the cart's currency (stock is a warning, not a reason to drop a line). */
export function purchasable(listing: Listing, seller: Seller, product: Product, currency: string): boolean {
  return forSale(listing, isListingVisible(listing, seller, product), currency);
}

/** The buying rule: a visible listing (catalog's rule, `visible`) priced in the cart's currency. */
export function forSale(listing: Listing, visible: boolean, currency: string): boolean {
  return visible && listing.price.currency === currency;
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

/** Groups the available lines by seller (in the order their first line was added), before adjustments. */
function groupBySeller(currency: string, states: readonly LineState[]): GroupDraft[] {
  const bySeller = new Map<string, LineState[]>();
  for (const state of states) {
    if (!state.available) continue;
    const group = bySeller.get(state.seller.uuid);
    if (group) group.push(state);
    else bySeller.set(state.seller.uuid, [state]);
  }
  const money = (amount: number) => new Money(amount, currency);
  return [...bySeller.values()].map((group): GroupDraft => {
    const seller = group[0]!.seller;
    const groupSubtotal = group.reduce((sum, s) => sum + s.subtotal.amount, 0);
    const { shipping: groupShipping, remaining } = sellerShipping(seller, groupSubtotal);
    return {
      states: group,
      group: {
        seller,
        lines: group.map((s) => s.line),
        subtotal: money(groupSubtotal),
        shipping: money(groupShipping),
        discountTotal: money(0),
        adjustments: [],
        total: money(groupSubtotal + groupShipping),
        freeShippingRemaining: remaining === null ? null : money(remaining),
      },
    };
  });
}

function adjustableGroup(cart: Cart, { states, group }: GroupDraft): AdjustableGroup {
  return {
    phase: 'cart',
    sellerId: group.seller.uuid,
    currency: cart.currency,
    customerId: cart.customerUuid,
    // The cart shows VAT-inclusive prices only: the tax class matters at checkout, which reads it with the listing.
    lines: states.map((s) => ({
      key: s.line.uuid,
      listingId: s.listing.uuid,
      productId: s.product.uuid,
      variantId: s.listing.variantUuid,
      categoryId: s.product.categoryUuid,
      quantity: s.line.quantity,
      unitPrice: s.unitPrice.amount,
      subtotal: s.subtotal.amount,
      taxClass: 'standard',
      options: s.line.options,
    })),
    subtotal: group.subtotal.amount,
    shipping: group.shipping.amount,
    codes: cart.codes,
  };
}

/** The cart's seller groups as adjusters see them in the cart phase, before any adjustment (e.g. to say why a code does not apply). */
export async function cartAdjustableGroups(ctx: Context, cart: Cart): Promise<AdjustableGroup[]> {
  return groupBySeller(cart.currency, await cartLineStates(ctx, cart)).map((draft) => adjustableGroup(cart, draft));
}

/** Adds up the cart: each seller group with the discounts every adjuster gives it now (read-only, cart phase). */
export async function summarize(ctx: Context, cart: Cart, states: readonly LineState[]): Promise<CartSummary> {
  const money = (amount: number) => new Money(amount, cart.currency);
  const drafts = groupBySeller(cart.currency, states);
  const lineDiscounts = new Map<string, number>();
  const warnings: AdjustmentWarning[] = [];
  let subtotal = 0;
  let shipping = 0;
  let discount = 0;
  let total = 0;
  let totalQuantity = 0;
  const groups = await Promise.all(
    drafts.map(async (draft): Promise<CartSellerGroup> => {
      const { group } = draft;
      if (!ctx.adjusters.length) return group;
      const adjusted = await runAdjusters(ctx, ctx.adjusters, adjustableGroup(cart, draft));
      draft.states.forEach((s, i) => {
        if (adjusted.lineDiscounts[i]) lineDiscounts.set(s.line.uuid, adjusted.lineDiscounts[i]!);
      });
      warnings.push(...adjusted.warnings);
      return {
        ...group,
        discountTotal: money(adjusted.discount),
        total: money(adjusted.total),
        adjustments: adjusted.adjustments.map((a) => ({
          source: a.source,
          label: a.label,
          kind: a.kind as AdjustmentKind,
          target: a.target as AdjustmentTarget,
          amount: money(a.amount),
          lineId: a.lineKey ? (draft.states.find((s) => s.line.uuid === a.lineKey)?.line.id ?? null) : null,
        })),
      };
    }),
  );
  for (const g of groups) {
    subtotal += g.subtotal.amount;
    shipping += g.shipping.amount;
    discount += g.discountTotal.amount;
    total += g.total.amount;
    totalQuantity += g.lines.reduce((sum, l) => sum + l.quantity, 0);
  }
  return { groups, subtotal: money(subtotal), shipping: money(shipping), discountTotal: money(discount), total: money(total), totalQuantity, lineDiscounts, warnings };
}

// One summary per cart state and request: every total field of a cart asks for it, and adjusters query.
// Keyed by updated_at, which every change of the cart (lines, codes) moves, so a mutation's payload never
// reads a summary made before the mutation.
const summaries = new WeakMap<Loaders, Map<string, Promise<CartSummary>>>();

export function cartSummary(ctx: Context, cart: Cart): Promise<CartSummary> {
  let byCart = summaries.get(ctx.loaders);
  if (!byCart) {
    byCart = new Map();
    summaries.set(ctx.loaders, byCart);
  }
  const key = `${cart.uuid}:${cart.updatedAt.getTime()}:${cart.codes.join(',')}`;
  let summary = byCart.get(key);
  if (!summary) {
    summary = cartLineStates(ctx, cart).then((states) => summarize(ctx, cart, states));
    byCart.set(key, summary);
  }
  return summary;
}
