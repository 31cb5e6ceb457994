import { Money } from '../../../src/core/money';
import { USED_MARGIN_PERCENT, buyBoxOrderSql, compareForBuyBox } from '../../../src/modules/catalog/buy-box';
import type { ListingCondition } from '../../../src/modules/catalog/listing.type';
import { createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

let t: TestApp;
let sellers: TestSeller[];

beforeAll(async () => {
  t = await startTestApp();
  sellers = [];
  for (let i = 0; i < 6; i++) sellers.push(await createSeller(t));
});
afterAll(() => t.stop());

interface Offer {
  seller: number;
  price: number;
  condition?: 'NEW' | 'USED' | 'REFURBISHED';
  stock?: number;
  handlingDays?: number;
}

/** One product listed by the given sellers; returns its offers as the API orders them. */
async function offersOf(offers: Offer[]) {
  const product = await createProduct(t, sellers[offers[0]!.seller]!.key);
  const ids: string[] = [];
  for (const o of offers) {
    ids.push(
      await createListing(t, sellers[o.seller]!.key, product.variantIds[0]!, {
        price: { amount: o.price, currency: 'EUR' },
        stock: o.stock ?? 5,
        condition: o.condition ?? 'NEW',
        handlingDays: o.handlingDays ?? 2,
      }),
    );
  }
  const res = await t.data(
    `query ($id: ID!) { product(id: $id) {
      bestListing { id }
      offers { position isWinner reasonCode reason landedPrice { amount } shipping { amount } listing { id } }
    } }`,
    { id: product.id },
  );
  const order = res.product.offers.map((o: any) => ids.indexOf(o.listing.id));
  expect(res.product.bestListing.id).toBe(res.product.offers[0].listing.id);
  return { order, offers: res.product.offers, productId: product.id };
}

const setShipping = (s: number, input: Record<string, unknown>) =>
  t.data('mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { userErrors { code } } }', { input }, sellers[s]!.key);
const setRating = (s: number, rating: number) => t.sql('UPDATE seller SET rating = $2 WHERE id = $1', [uuidOf(sellers[s]!.id), rating]);

describe('the buy box', () => {
  beforeEach(async () => {
    for (let s = 0; s < sellers.length; s++) {
      await setShipping(s, { shippingRate: 499, freeShippingThreshold: 0 });
      await setRating(s, 4);
    }
  });

  it('compares landed prices: a dearer item with free shipping beats a cheaper one that pays it', async () => {
    await setShipping(1, { freeShippingThreshold: 1000 });
    const { order, offers } = await offersOf([{ seller: 0, price: 900 }, { seller: 1, price: 1200 }]);
    expect(order).toEqual([1, 0]);
    expect(offers[0]).toMatchObject({ position: 1, isWinner: true, reasonCode: 'LOWER_LANDED_PRICE', landedPrice: { amount: 1200 }, shipping: { amount: 0 } });
    expect(offers[1]).toMatchObject({ position: 2, isWinner: false, reasonCode: null, reason: null, landedPrice: { amount: 1399 }, shipping: { amount: 499 } });
  });

  it(`keeps NEW ahead of USED and REFURBISHED unless they are at least ${USED_MARGIN_PERCENT}% cheaper landed`, async () => {
    // Landed: NEW 1499; USED 1399 (6.7% less) → NEW wins.
    const within = await offersOf([{ seller: 0, price: 900, condition: 'USED' }, { seller: 1, price: 1000 }]);
    expect(within.order).toEqual([1, 0]);
    expect(within.offers[0].reasonCode).toBe('NEW_WITHIN_MARGIN');
    // Landed: REFURBISHED 1300 (13.3% less than 1499) → it wins.
    const beyond = await offersOf([{ seller: 0, price: 801, condition: 'REFURBISHED' }, { seller: 1, price: 1000 }]);
    expect(beyond.order).toEqual([0, 1]);
    expect(beyond.offers[0]).toMatchObject({ reasonCode: 'CHEAPER_BY_MARGIN', reason: expect.stringContaining('10%') });
    // Exactly 10% cheaper landed (1349.1 is not whole: 1349 < 0.9 × 1499 = 1349.1) wins; 1350 does not.
    expect((await offersOf([{ seller: 0, price: 850, condition: 'USED' }, { seller: 1, price: 1000 }])).order).toEqual([0, 1]);
    expect((await offersOf([{ seller: 0, price: 851, condition: 'USED' }, { seller: 1, price: 1000 }])).order).toEqual([1, 0]);
  });

  it('breaks equal landed prices by seller rating, then handling time, then stock', async () => {
    await setRating(2, 4.6);
    const rated = await offersOf([{ seller: 0, price: 1000 }, { seller: 2, price: 1000 }]);
    expect(rated.order).toEqual([1, 0]);
    expect(rated.offers[0].reasonCode).toBe('BETTER_SELLER_RATING');
    const quick = await offersOf([{ seller: 0, price: 1000, handlingDays: 3 }, { seller: 1, price: 1000, handlingDays: 1 }]);
    expect(quick.order).toEqual([1, 0]);
    expect(quick.offers[0].reasonCode).toBe('SHORTER_HANDLING');
    const stocked = await offersOf([{ seller: 0, price: 1000, stock: 2 }, { seller: 1, price: 1000, stock: 9 }]);
    expect(stocked.order).toEqual([1, 0]);
    expect(stocked.offers[0].reasonCode).toBe('MORE_STOCK');
  });

  it('puts offers with stock first, and names a lone offer', async () => {
    const empty = await offersOf([{ seller: 0, price: 500, stock: 0 }, { seller: 1, price: 2000 }]);
    expect(empty.order).toEqual([1, 0]);
    expect(empty.offers[0].reasonCode).toBe('IN_STOCK');
    const alone = await offersOf([{ seller: 3, price: 700 }]);
    expect(alone.offers).toEqual([expect.objectContaining({ position: 1, isWinner: true, reasonCode: 'ONLY_OFFER' })]);
  });

  it('orders offers in SQL (the loader that picks the top offers) exactly as in TypeScript', async () => {
    // A deterministic mix of prices, conditions, stock, handling, shipping and ratings across six sellers.
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let s = 0; s < sellers.length; s++) {
      await setShipping(s, { shippingRate: [0, 299, 499][next(3)], freeShippingThreshold: [0, 1000, 1500][next(3)] });
      await setRating(s, [3.5, 4, 4, 4.5][next(4)]!);
    }
    const conditions = ['NEW', 'USED', 'REFURBISHED'] as const;
    const offers: Offer[] = sellers.map((_, s) => ({
      seller: s,
      price: [900, 1000, 1000, 1100, 1200][next(5)]!,
      condition: conditions[next(3)],
      stock: [0, 3, 3, 8][next(4)],
      handlingDays: [1, 2, 2][next(3)],
    }));
    const { offers: api, productId } = await offersOf(offers);
    const rows = await t.sql<{ id: string }>(
      `SELECT l.id FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.product_id = $1 ORDER BY ${buyBoxOrderSql('l', 's')}`,
      [uuidOf(productId)],
    );
    expect(api.map((o: any) => uuidOf(o.listing.id))).toEqual(rows.map((r) => r.id));
    // compareForBuyBox (the rules buyBoxReason follows) orders the same listings as SQL did.
    const listings = await t.sql<{ uuid: string; price: string; stock: number; condition: ListingCondition; handlingDays: number; sellerRating: number; sellerShippingRate: number; sellerFreeShippingThreshold: number | null }>(
      `SELECT l.id AS uuid, l.price, l.stock, l.condition, l.handling_days AS "handlingDays", s.rating::float8 AS "sellerRating",
              s.shipping_rate AS "sellerShippingRate", s.free_shipping_threshold AS "sellerFreeShippingThreshold"
         FROM listing l JOIN seller s ON s.id = l.seller_id WHERE l.product_id = $1`,
      [uuidOf(productId)],
    );
    const sorted = listings
      .map((l) => ({
        ...l,
        price: new Money(Number(l.price), 'EUR'),
        sellerShippingRate: Number(l.sellerShippingRate),
        sellerFreeShippingThreshold: l.sellerFreeShippingThreshold === null ? null : Number(l.sellerFreeShippingThreshold),
      }))
      .sort(compareForBuyBox);
    expect(sorted.map((l) => l.uuid)).toEqual(rows.map((r) => r.id));
  });
});
