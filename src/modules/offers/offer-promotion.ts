import { admin } from '../../auth/viewer';
import { createContext, type AppServices, type TxContext } from '../../core/context';
import type { ModuleHook } from '../../core/module';
import { withTransaction } from '../../db/transaction';
import type { EventPayloads } from '../../events/event-types';
import { Money } from '../../core/money';
import { categoriesUnderSql, listingBuyableSql, shippingShare } from '../catalog';
import { personalizationConsented } from '../customers';
import { runningPromotion, targetedCustomersAfter, type PromotionRow } from '../promotions';
import { offerCreateMany, type OfferCandidate } from './offer-create';
import { chooseDiscount } from './offer-scoring';
import { OfferTrigger } from './offer.type';

/**
 * Customers walked per transaction of a promotion's fan-out (keyset over customer id): offerCreateMany's
 * most. 1,000 rather than 500 halves the pages' fixed statements (issue 16: a tenth less database time).
 */
export const PROMOTION_BATCH = 1_000;
/**
 * An untargeted promotion goes to consenting customers whose share of interest in one of its categories
 * (or, for a whole-shop promotion, in its seller) is at least this: a customer's affinities sum to 1, so
 * 0.2 means "among the few things this customer cares about", not everyone.
 */
export const UNTARGETED_AFFINITY = 0.2;
/** Categories of a promotion's scope that scoring and the untargeted audience consider. */
const MAX_SCOPE_CATEGORIES = 50;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/** What a promotion offers: its categories, and the cheapest buyable listing it covers (the offer points at it). */
interface Scope {
  categoryIds: string[];
  listingId: string;
  productId: string;
  title: string;
  price: number;
  /** What shipping that listing costs bought alone (catalog's shippingShare): a FREE_SHIPPING promotion's depth. */
  shipping: number;
}

async function scopeOf(ctx: TxContext, p: PromotionRow): Promise<Scope | null> {
  const inScope = {
    ALL: 'cardinality($2::uuid[]) >= 0', // the ids are empty: referenced only so that $2 has a type
    LISTINGS: 'l.id = ANY($2::uuid[])',
    PRODUCTS: 'p.id = ANY($2::uuid[])',
    CATEGORIES: `p.category_id IN (${categoriesUnderSql('$2::uuid[]')})`,
  }[p.scope];
  const where = `l.seller_id = $1 AND l.currency = $3 AND ${inScope} AND ${listingBuyableSql({ listing: 'l', seller: 's', product: 'p' })}`;
  const from = 'listing l JOIN product p ON p.id = l.product_id JOIN seller s ON s.id = l.seller_id';
  const [cheapest] = await ctx.tx.query(
    `SELECT l.id AS "listingId", p.id AS "productId", p.title, l.price, s.shipping_rate AS "shippingRate", s.free_shipping_threshold AS "freeShippingThreshold"
       FROM ${from} WHERE ${where} ORDER BY l.price, l.id LIMIT 1`,
    [p.sellerId, p.scopeIds, p.currency],
  );
  if (!cheapest) return null;
  // The categories of what it covers (of a CATEGORIES promotion: those below the chosen ones too), as affinities name them.
  const categoryIds: string[] = (
    await ctx.tx.query(`SELECT DISTINCT p.category_id AS id FROM ${from} WHERE ${where} AND p.category_id IS NOT NULL LIMIT ${MAX_SCOPE_CATEGORIES}`, [
      p.sellerId,
      p.scopeIds,
      p.currency,
    ])
  ).map((r: { id: string }) => r.id);
  const price = Number(cheapest.price);
  const shipping = shippingShare({
    price: new Money(price, p.currency),
    sellerShippingRate: Number(cheapest.shippingRate),
    sellerFreeShippingThreshold: cheapest.freeShippingThreshold === null ? null : Number(cheapest.freeShippingThreshold),
  });
  return { categoryIds, listingId: cheapest.listingId, productId: cheapest.productId, title: cheapest.title, price, shipping };
}

/** One keyset page of an untargeted promotion's audience: consenting customers with affinity for its scope. */
async function affineCustomersAfter(ctx: TxContext, p: PromotionRow, scope: Scope, after: string, limit: number): Promise<string[]> {
  const [affinity, key] =
    p.scope === 'ALL'
      ? ['SELECT customer_id FROM customer_seller_affinity WHERE seller_id = $4::uuid AND score >= $3', p.sellerId]
      : ['SELECT customer_id FROM customer_category_affinity WHERE category_id = ANY($4::uuid[]) AND score >= $3', scope.categoryIds];
  const rows: { id: string }[] = await ctx.tx.query(
    `SELECT c.id FROM customer c
      WHERE c.id > $1 AND c.erased_at IS NULL AND ${personalizationConsented('c.id')} AND c.id IN (${affinity})
      ORDER BY c.id LIMIT $2`,
    [after, limit, UNTARGETED_AFFINITY, key],
  );
  return rows.map((r) => r.id);
}

/** An amount as a depth (%) of the offered listing's price, for scoring: 1 to 90. */
const depthOf = (amount: number, scope: Scope) => Math.min(90, Math.max(1, Math.round((amount * 100) / Math.max(1, scope.price))));

/**
 * The promotion's fixed depth for scoring: its percentage, or its amount (FIXED_AMOUNT) or the listing's
 * shipping (FREE_SHIPPING) as a share of the offered listing's price. Null when it gives nothing there
 * (free shipping on a listing that ships free already).
 */
function promotionDiscount(p: PromotionRow, scope: Scope): { discount: OfferCandidate['discount']; percent: number } | null {
  if (p.kind === 'PERCENTAGE' && p.percentOff) return { discount: { percent: p.percentOff }, percent: p.percentOff };
  if (p.kind === 'FIXED_AMOUNT' && p.amountOff) return { discount: { amount: p.amountOff, currency: p.currency }, percent: depthOf(p.amountOff, scope) };
  if (p.kind === 'FREE_SHIPPING' && scope.shipping > 0) return { discount: { freeShipping: true }, percent: depthOf(scope.shipping, scope) };
  return null;
}

/** Scores a page of customers in one query (offer-scoring.ts, the promotion's depth fixed) and proposes them. */
async function offerPage(ctx: TxContext, p: PromotionRow, scope: Scope, customerIds: string[]): Promise<number> {
  const fixed = promotionDiscount(p, scope);
  if (!fixed || !customerIds.length) return 0;
  const traits: { customerId: string; priceSensitivity: number | null; predictedValue: string | null; categoryAffinity: number | null; sellerAffinity: number | null }[] =
    await ctx.tx.query(
      `SELECT c.id AS "customerId", t.price_sensitivity AS "priceSensitivity", t.predicted_value_12m AS "predictedValue",
              (SELECT max(a.score) FROM customer_category_affinity a WHERE a.customer_id = c.id AND a.category_id = ANY($2::uuid[])) AS "categoryAffinity",
              (SELECT a.score FROM customer_seller_affinity a WHERE a.customer_id = c.id AND a.seller_id = $3) AS "sellerAffinity"
         FROM unnest($1::uuid[]) c(id) LEFT JOIN customer_trait t ON t.customer_id = c.id`,
      [customerIds, scope.categoryIds, p.sellerId],
    );
  const code = p.trigger === 'SHARED_CODE' && p.code ? { en: ` with the code ${p.code}`, es: ` con el código ${p.code}` } : { en: '', es: '' };
  const what = p.kind === 'FREE_SHIPPING' ? { en: `free shipping on ${scope.title}`, es: `envío gratis en ${scope.title}` } : { en: scope.title, es: scope.title };
  const candidates: OfferCandidate[] = traits.map((t) => {
    const { score } = chooseDiscount({
      categoryAffinity: t.categoryAffinity,
      sellerAffinity: t.sellerAffinity,
      priceSensitivity: t.priceSensitivity,
      predictedValue12m: Number(t.predictedValue ?? 0),
      unitPrice: scope.price,
      promotionPercent: fixed.percent,
    });
    return {
      customerId: t.customerId,
      trigger: OfferTrigger.PROMOTION_TARGETED,
      dedupeKey: `promotion:${p.id}`,
      promotionId: p.id,
      productId: scope.productId,
      listingId: scope.listingId,
      discount: fixed.discount,
      score,
      reason: { en: `${p.name}: ${what.en} and more${code.en}`, es: `${p.name}: ${what.es} y más${code.es}` },
    };
  });
  const outcomes = await offerCreateMany(ctx, candidates);
  return outcomes.filter((o) => 'offer' in o).length;
}

/**
 * A promotion started, was resumed, or its targeting changed: every customer it reaches gets one offer
 * (ever: the key is `promotion:<id>`), in keyset pages of PROMOTION_BATCH, each in its own transaction
 * through offerCreateMany (consent, daily cap, dedupe). Targeted: the promotion's own compiled rule.
 * Untargeted: affinity for its scope (README "Promotions"). At least once: a redelivery walks the same
 * customers and every candidate is refused as DUPLICATE, so it makes nothing twice.
 */
export async function offersForPromotion(app: AppServices, eventId: number | string, promotionId: string): Promise<number> {
  if (app.config.offers.dailyCap <= 0) return 0;
  const ctx = createContext(app, admin, `outbox-${eventId}`);
  let after = FIRST_ID;
  let made = 0;
  for (;;) {
    const page = await withTransaction(ctx, async (tx) => {
      const promotion = await runningPromotion(tx, promotionId);
      if (!promotion) return null;
      const scope = await scopeOf(tx, promotion);
      if (!scope) return null;
      const ids = promotion.targeting
        ? await targetedCustomersAfter(tx, promotion, after, PROMOTION_BATCH)
        : await affineCustomersAfter(tx, promotion, scope, after, PROMOTION_BATCH);
      made += await offerPage(tx, promotion, scope, ids);
      return ids;
    });
    if (!page || page.length < PROMOTION_BATCH) return made;
    after = page.at(-1)!;
  }
}

export const onPromotionStarted: ModuleHook = async (event, app) => {
  const { promotionId } = event.payload as EventPayloads['promotion.started'];
  await offersForPromotion(app, event.id, promotionId);
};
