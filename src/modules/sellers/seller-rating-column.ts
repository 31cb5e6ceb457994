import type { TxContext } from '../../core/context';

/**
 * Writes `seller.rating` and `seller.rating_count`, which the sellers module owns and the buy box reads.
 * The rule that computes them is the reviews module's (reviews/seller-rating.ts): it calls this in the
 * transaction of the review that changed them.
 */
export async function storeSellerRating({ tx }: Pick<TxContext, 'tx'>, sellerId: string, rating: number, count: number): Promise<void> {
  await tx.query('UPDATE seller SET rating = round($2::numeric, 2), rating_count = $3 WHERE id = $1', [sellerId, rating, count]);
}
