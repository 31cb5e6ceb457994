import { creditFor, pointsFor, redemptionStep } from '../loyalty.rates';

describe('loyalty rates', () => {
  it('earns floor(major units × pointsPerEuro), without floats', () => {
    expect(pointsFor(2999, 'EUR', 2)).toBe(59);
    expect(pointsFor(99, 'EUR', 1)).toBe(0);
    expect(pointsFor(100, 'EUR', 1)).toBe(1);
    expect(pointsFor(1000, 'JPY', 1)).toBe(1000);
    expect(pointsFor(0, 'EUR', 1000)).toBe(0);
    expect(pointsFor(2999, 'EUR', 0)).toBe(0);
    expect(pointsFor(9_007_199_254_740_991, 'EUR', 1)).toBe(90_071_992_547_409);
    expect(pointsFor(9_007_199_254_740, 'EUR', 1000)).toBe(90_071_992_547_400);
  });

  it('redeems in steps worth whole minor units', () => {
    expect(redemptionStep('EUR', 100)).toBe(1);
    expect(redemptionStep('EUR', 300)).toBe(3);
    expect(redemptionStep('EUR', 40)).toBe(2);
    expect(redemptionStep('JPY', 100)).toBe(100);
    expect(creditFor(90, 'EUR', 100)).toBe(90);
    expect(creditFor(900, 'EUR', 300)).toBe(300);
    expect(creditFor(2, 'EUR', 40)).toBe(5);
    expect(creditFor(300, 'JPY', 100)).toBe(3);
  });
});
