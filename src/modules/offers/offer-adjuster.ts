import type { AdjustableGroup, Adjuster, Adjustment, AdjustableLine, AdjustmentResult } from '../../core/adjustments';
import type { Context, TxContext } from '../../core/context';
import { preparedTxQuery } from '../../db/prepared-query';

interface RedeemedOffer {
  id: string;
  productId: string | null;
  listingId: string | null;
  discountPercent: number | null;
  discountAmount: number | null;
  currency: string | null;
  reason: string;
}

/** Checkout's offers for every group, read and locked by the prefetch; `used`: taken by a group adjusted before. */
interface PrefetchedOffers {
  offers: RedeemedOffer[];
  used: Set<string>;
}

/** The customer's redeemed, unused, live offers on these listings or products, oldest first (locked at checkout). */
function redeemedOffers(ctx: Context, customerId: string, lines: readonly AdjustableLine[], checkout: boolean): Promise<RedeemedOffer[]> {
  const text = `SELECT id, product_id AS "productId", listing_id AS "listingId", discount_percent AS "discountPercent",
            discount_amount AS "discountAmount", currency, reason
       FROM offer
      WHERE customer_id = $1 AND state = 'REDEEMED' AND used_at IS NULL AND expires_at > $2 AND promotion_id IS NULL
        AND (listing_id = ANY($3) OR product_id = ANY($4))
      ORDER BY sequence ${checkout ? 'FOR NO KEY UPDATE' : ''}`;
  const values = [customerId, ctx.now(), lines.map((l) => l.listingId), lines.map((l) => l.productId)];
  // At checkout one of the purchase's hot statements: prepared (db/prepared-query.ts, preparedTxQuery).
  return checkout ? preparedTxQuery((ctx as TxContext).tx, text, values) : ctx.db.query(text, values);
}

/** A group's share of the prefetched offers: those on its lines that no group before it took. */
function offersOf(prefetched: PrefetchedOffers, group: AdjustableGroup): RedeemedOffer[] {
  const listings = new Set(group.lines.map((l) => l.listingId));
  const products = new Set(group.lines.map((l) => l.productId));
  return prefetched.offers.filter((o) => !prefetched.used.has(o.id) && ((o.listingId !== null && listings.has(o.listingId)) || (o.productId !== null && products.has(o.productId))));
}

/**
 * The customer's redeemed offers on their cart (issue 16, CONTRACTS D): each takes its discount off the
 * first line of its listing (or else of its product) until it expires, one offer per line. At checkout, in
 * the checkout's transaction, the offers are locked and marked used, so one checkout honours each.
 */
export const offerAdjuster: Adjuster<PrefetchedOffers | undefined> = {
  name: 'offers',
  /** Checkout: the offers of every group read and locked in one statement (in sequence order, as adjust locked them). */
  async prefetch(ctx, groups) {
    const customerId = groups[0]?.customerId;
    if (!ctx.tx || !customerId) return undefined;
    return { offers: await redeemedOffers(ctx, customerId, groups.flatMap((g) => g.lines), true), used: new Set<string>() };
  },
  async adjust(ctx: Context, group, prefetched) {
    return (await adjustGroups(ctx, [group], prefetched))[0]!;
  },
  /** Every group of a checkout: the offers they took marked used in one statement, not one per group (issue 14). */
  adjustAll: adjustGroups,
};

/** Each group's offer discounts (groups in order: an offer goes to the first that takes it), then the taken ones marked used at checkout. */
async function adjustGroups(ctx: Context, groups: readonly AdjustableGroup[], prefetched: PrefetchedOffers | undefined): Promise<AdjustmentResult[]> {
  const results: AdjustmentResult[] = [];
  const used: string[] = [];
  // Offers an earlier group took: the prefetch's set (shared by the purchase's groups), or, without one (each group
  // then reads its offers before any is marked used), this call's own.
  const given = prefetched?.used ?? new Set<string>();
  for (const group of groups) {
    if (!group.customerId || !group.lines.length) {
      results.push({ adjustments: [], warnings: [] });
      continue;
    }
    const inCheckout = group.phase === 'checkout' && !!ctx.tx;
    const offers = prefetched ? offersOf(prefetched, group) : await redeemedOffers(ctx, group.customerId, group.lines, inCheckout);
    const taken = new Set<string>();
    const adjustments: Adjustment[] = [];
    for (const offer of offers) {
      if (given.has(offer.id)) continue;
      const line: AdjustableLine | undefined =
        group.lines.find((l) => !taken.has(l.key) && l.listingId === offer.listingId) ?? group.lines.find((l) => !taken.has(l.key) && l.productId === offer.productId);
      if (!line || line.subtotal <= 0) continue;
      const amount = offer.discountPercent
        ? Math.floor((line.subtotal * offer.discountPercent) / 100)
        : offer.currency === group.currency
          ? Math.min(Number(offer.discountAmount), line.subtotal)
          : 0;
      if (amount <= 0) continue;
      taken.add(line.key);
      given.add(offer.id);
      if (inCheckout) used.push(offer.id);
      adjustments.push({ source: 'offer', reference: offer.id, label: offer.reason.slice(0, 120), kind: 'DISCOUNT', amount, lineKey: line.key, target: 'ITEMS' });
    }
    results.push({ adjustments, warnings: [] });
  }
  if (used.length) await (ctx as TxContext).tx.query('UPDATE offer SET used_at = $2 WHERE id = ANY($1)', [used, ctx.now()]);
  return results;
}
