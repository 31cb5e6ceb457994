import { ListingCondition, type Listing } from './listing.type';

/**
 * The buy box (issue 12), the one owner of the offer order: `buyBoxOrderSql` for the loader that picks and orders
 * a product's top offers (catalog.loaders.ts: the listings come sorted, no sort in JavaScript), and
 * `compareForBuyBox`, the same rules over loaded listings, which buyBoxReason follows; tested to agree
 * (test/modules/catalog/buy-box.test.ts).
 *
 * 1. Offers with stock before offers without (an offer that can't be bought can't win).
 * 2. The landed price: the item plus its share of its seller's shipping. A product page sells one unit,
 *    which alone carries the seller's whole flat rate unless it reaches the seller's free-shipping threshold.
 * 3. NEW beats USED and REFURBISHED unless they are cheaper by USED_MARGIN_PERCENT or more: the price key of
 *    a NEW offer is its landed price × (100 − margin), of any other offer its landed price × 100; at equal keys
 *    NEW comes first. (Issue 12: a USED offer won over NEW ones at a similar landed price.)
 * 4. The better seller rating (reviews/seller-rating.ts: a Bayesian average of the seller's reviews).
 * 5. The shorter handling time, then the most stock, then the listing id (a stable order).
 */
export const USED_MARGIN_PERCENT = 10;

type BuyBoxListing = Pick<
  Listing,
  'uuid' | 'price' | 'stock' | 'condition' | 'sellerRating' | 'handlingDays' | 'sellerShippingRate' | 'sellerFreeShippingThreshold'
>;

/** What shipping one unit of the listing bought alone costs, in minor units. */
export function shippingShare(l: Pick<BuyBoxListing, 'price' | 'sellerShippingRate' | 'sellerFreeShippingThreshold'>): number {
  const threshold = l.sellerFreeShippingThreshold;
  return threshold !== null && l.price.amount >= threshold ? 0 : l.sellerShippingRate;
}

export function landedPrice(l: Pick<BuyBoxListing, 'price' | 'sellerShippingRate' | 'sellerFreeShippingThreshold'>): number {
  return l.price.amount + shippingShare(l);
}

const isNew = (l: Pick<BuyBoxListing, 'condition'>) => l.condition === ListingCondition.NEW;

/** The condition-weighted price key of rule 3 (integers: no rounding). */
export function priceKey(l: BuyBoxListing): number {
  return landedPrice(l) * (isNew(l) ? 100 - USED_MARGIN_PERCENT : 100);
}

/** Why `a` ranks above `b` by the rules above: the first rule that tells them apart. */
export enum BuyBoxReason {
  ONLY_OFFER = 'ONLY_OFFER',
  IN_STOCK = 'IN_STOCK',
  LOWER_LANDED_PRICE = 'LOWER_LANDED_PRICE',
  NEW_WITHIN_MARGIN = 'NEW_WITHIN_MARGIN',
  CHEAPER_BY_MARGIN = 'CHEAPER_BY_MARGIN',
  NEW_CONDITION = 'NEW_CONDITION',
  BETTER_SELLER_RATING = 'BETTER_SELLER_RATING',
  SHORTER_HANDLING = 'SHORTER_HANDLING',
  MORE_STOCK = 'MORE_STOCK',
  TIE = 'TIE',
}

export function compareForBuyBox(a: BuyBoxListing, b: BuyBoxListing): number {
  return (
    Number(b.stock > 0) - Number(a.stock > 0) ||
    priceKey(a) - priceKey(b) ||
    Number(isNew(b)) - Number(isNew(a)) ||
    b.sellerRating - a.sellerRating ||
    a.handlingDays - b.handlingDays ||
    b.stock - a.stock ||
    (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0)
  );
}

/** The reason the winner `a` beats the runner-up `b` (null: `a` is the only offer). */
export function buyBoxReason(a: BuyBoxListing, b: BuyBoxListing | undefined): BuyBoxReason {
  if (!b) return BuyBoxReason.ONLY_OFFER;
  if (a.stock > 0 !== b.stock > 0) return BuyBoxReason.IN_STOCK;
  if (priceKey(a) !== priceKey(b)) {
    if (isNew(a) === isNew(b)) return BuyBoxReason.LOWER_LANDED_PRICE;
    if (isNew(a)) return landedPrice(a) <= landedPrice(b) ? BuyBoxReason.LOWER_LANDED_PRICE : BuyBoxReason.NEW_WITHIN_MARGIN;
    return BuyBoxReason.CHEAPER_BY_MARGIN;
  }
  if (isNew(a) !== isNew(b)) return BuyBoxReason.NEW_CONDITION;
  if (a.sellerRating !== b.sellerRating) return BuyBoxReason.BETTER_SELLER_RATING;
  if (a.handlingDays !== b.handlingDays) return BuyBoxReason.SHORTER_HANDLING;
  if (a.stock !== b.stock) return BuyBoxReason.MORE_STOCK;
  return BuyBoxReason.TIE;
}

/** The human sentence of a reason, shown next to the winning offer. */
export const buyBoxReasonText: Record<BuyBoxReason, string> = {
  ONLY_OFFER: 'The only offer.',
  IN_STOCK: 'The best offer in stock.',
  LOWER_LANDED_PRICE: 'The lowest price including shipping.',
  NEW_WITHIN_MARGIN: `New, and the cheaper used or refurbished offers save less than ${USED_MARGIN_PERCENT}%.`,
  CHEAPER_BY_MARGIN: `At least ${USED_MARGIN_PERCENT}% cheaper than any new offer, including shipping.`,
  NEW_CONDITION: 'New, at the same price as a used or refurbished offer.',
  BETTER_SELLER_RATING: 'Same price including shipping, better-rated seller.',
  SHORTER_HANDLING: 'Same price and seller rating, ships sooner.',
  MORE_STOCK: 'Same price, rating and handling time, more stock.',
  TIE: 'Equal on every rule; the order is stable.',
};

/** The same order in SQL over `listing l JOIN seller s`, for window functions and ORDER BY. */
export function buyBoxOrderSql(l = 'l', s = 's'): string {
  const landed = `(${l}.price + CASE WHEN ${s}.free_shipping_threshold IS NOT NULL AND ${l}.price >= ${s}.free_shipping_threshold THEN 0 ELSE ${s}.shipping_rate END)`;
  const isNewSql = `(${l}.condition = '${ListingCondition.NEW}')`;
  return `(${l}.stock > 0) DESC, ${landed} * CASE WHEN ${isNewSql} THEN ${100 - USED_MARGIN_PERCENT} ELSE 100 END, ${isNewSql} DESC,
    ${s}.rating DESC, ${l}.handling_days, ${l}.stock DESC, ${l}.id`;
}
