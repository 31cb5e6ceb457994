import type { PrivacyHook } from '../../core/context';
import { TOUCHPOINT_EVENT_COLUMNS, CUSTOMER_TRAIT_COLUMNS } from './personalization.rows';
import { deleteIndividualData } from './trait-store';

/**
 * The customer's touchpoints (newest first), stored traits, affinities and order facts (with what the
 * model inferred of each order: bought on a price drop): their export and erasure.
 */
export const personalizationPrivacy: PrivacyHook = {
  async export(ctx, customerId) {
    const q = (sql: string) => ctx.db.query(sql, [customerId]);
    const [events, [traits], categoryAffinities, sellerAffinities, orderFacts] = await Promise.all([
      q(`SELECT ${TOUCHPOINT_EVENT_COLUMNS} FROM touchpoint_event e WHERE e.customer_id = $1 ORDER BY e.occurred_at DESC, e.id`),
      q(`SELECT ${CUSTOMER_TRAIT_COLUMNS} FROM customer_trait t WHERE t.customer_id = $1`),
      q('SELECT category_id AS "categoryId", score FROM customer_category_affinity WHERE customer_id = $1 ORDER BY score DESC'),
      q('SELECT seller_id AS "sellerId", score FROM customer_seller_affinity WHERE customer_id = $1 ORDER BY score DESC'),
      q(`SELECT order_id AS "orderId", paid_at AS "paidAt", total, discount, cancelled, bought_on_price_drop AS "boughtOnPriceDrop"
           FROM customer_order_fact WHERE customer_id = $1 ORDER BY paid_at DESC, order_id`),
    ]);
    return { events, traits: traits ?? null, categoryAffinities, sellerAffinities, orderFacts };
  },
  async erase(ctx, customerId) {
    await deleteIndividualData(ctx.tx, customerId);
  },
};
