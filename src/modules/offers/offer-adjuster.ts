import type { Adjuster, Adjustment, AdjustableLine } from '../../core/adjustments';
import type { Context, TxContext } from '../../core/context';

interface RedeemedOffer {
  id: string;
  productId: string | null;
  listingId: string | null;
  discountPercent: number | null;
  discountAmount: number | null;
  currency: string | null;
  reason: string;
}

/**
 * The customer's redeemed offers on their cart (issue 16, CONTRACTS D): each takes its discount off the
 * first line of its listing (or else of its product) until it expires, one offer per line. At checkout, in
 * the checkout's transaction, the offers are locked and marked used, so one checkout honours each.
 */
export const offerAdjuster: Adjuster = {
  name: 'offers',
  async adjust(ctx: Context, group) {
    if (!group.customerId || !group.lines.length) return { adjustments: [], warnings: [] };
    const checkout = group.phase === 'checkout' && ctx.tx;
    const run = checkout ? (ctx as TxContext).tx : ctx.db;
    const offers: RedeemedOffer[] = await run.query(
      `SELECT id, product_id AS "productId", listing_id AS "listingId", discount_percent AS "discountPercent",
              discount_amount AS "discountAmount", currency, reason
         FROM offer
        WHERE customer_id = $1 AND state = 'REDEEMED' AND used_at IS NULL AND expires_at > $2 AND promotion_id IS NULL
          AND (listing_id = ANY($3) OR product_id = ANY($4))
        ORDER BY sequence ${checkout ? 'FOR NO KEY UPDATE' : ''}`,
      [group.customerId, ctx.now(), group.lines.map((l) => l.listingId), group.lines.map((l) => l.productId)],
    );
    const taken = new Set<string>();
    const adjustments: Adjustment[] = [];
    const used: string[] = [];
    for (const offer of offers) {
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
      used.push(offer.id);
      adjustments.push({ source: 'offer', reference: offer.id, label: offer.reason.slice(0, 120), kind: 'DISCOUNT', amount, lineKey: line.key, target: 'ITEMS' });
    }
    if (checkout && used.length) await run.query('UPDATE offer SET used_at = $2 WHERE id = ANY($1)', [used, ctx.now()]);
    return { adjustments, warnings: [] };
  },
};
