import type { TxContext } from '../../core/context';
import type { EventPayloads } from '../../events/event-types';
import { emit } from '../../events/outbox';

/**
 * A listing's price went down: kept in `listing_price_drop` and announced as `listing.price_dropped`, in
 * the caller's transaction (the history and the event never disagree). The history is what lets the
 * trait model tell, at any later time, whether a purchase followed a drop (personalization README).
 */
export async function recordPriceDrop(ctx: TxContext, drop: EventPayloads['listing.price_dropped']): Promise<void> {
  await ctx.tx.query('INSERT INTO listing_price_drop (listing_id, product_id, from_price, to_price) VALUES ($1, $2, $3, $4)', [
    drop.listingId,
    drop.productId,
    drop.from,
    drop.to,
  ]);
  await emit(ctx, 'listing.price_dropped', drop);
}

/**
 * SQL: whether one of the product's listings (`product`: an SQL expression of its id) dropped its price
 * at or before `at` (an SQL timestamptz expression), at most `days` days before.
 */
export const priceDroppedBeforeSql = (product: string, at: string, days: number) =>
  `EXISTS (SELECT 1 FROM listing_price_drop d
            WHERE d.product_id = ${product} AND d.dropped_at <= ${at} AND d.dropped_at > ${at} - interval '${days} days')`;
