import { Money } from '../../../src/core/money';
import { ListingCondition } from '../../../src/modules/catalog/listing.type';
import { compareForBuyBox, sortForBuyBox } from '../../../src/modules/catalog/buy-box';

// Few values per key, so that lists tie on every rule but the last.
function randomListings(n: number, next: (k: number) => number) {
  const conditions = [ListingCondition.NEW, ListingCondition.USED, ListingCondition.REFURBISHED];
  return Array.from({ length: n }, (_, i) => ({
    uuid: `00000000-0000-0000-0000-${String(next(1000) * 100 + i).padStart(12, '0')}`,
    price: new Money([900, 1000, 1100][next(3)]!, 'EUR'),
    stock: [0, 3, 8][next(3)]!,
    condition: conditions[next(3)]!,
    sellerRating: [3.5, 4, 4.5][next(3)]!,
    handlingDays: [1, 2][next(2)]!,
    sellerShippingRate: [0, 299][next(2)]!,
    sellerFreeShippingThreshold: [null, 1000][next(2)]!,
  }));
}

it('sorts a product\'s listings in the order Array.prototype.sort gives by compareForBuyBox, short lists and long', () => {
  let seed = 11;
  const next = (k: number) => {
    seed = (seed * 48271) % 2147483647;
    return seed % k;
  };
  for (let round = 0; round < 2000; round++) {
    const listings = randomListings(next(40), next);
    const expected = [...listings].sort(compareForBuyBox);
    sortForBuyBox(listings);
    expect(listings).toEqual(expected);
  }
});
