import { runAdjusters, runAdjustersOver, spreadAmount, type Adjuster, type AdjustableGroup } from '../../src/core/adjustments';
import type { Context } from '../../src/core/context';
import { taxOrder } from '../../src/modules/invoices/order-tax';

const ctx = {} as Context;
const line = (key: string, subtotal: number, taxClass = 'standard') => ({
  key, listingId: key, productId: key, variantId: key, categoryId: null, quantity: 1, unitPrice: subtotal, subtotal, taxClass, options: {},
});
const group = (lines: ReturnType<typeof line>[], shipping = 500): AdjustableGroup => ({
  phase: 'cart', sellerId: 's', currency: 'EUR', customerId: null, lines, subtotal: lines.reduce((a, l) => a + l.subtotal, 0), shipping, codes: [],
});
const adjuster = (name: string, fn: Adjuster['adjust']): Adjuster => ({ name, adjust: fn });
const discount = (amount: number, lineKey: string | null = null, target: 'ITEMS' | 'SHIPPING' = 'ITEMS') =>
  ({ source: 'test', reference: null, label: 'Test', kind: 'DISCOUNT' as const, amount, lineKey, target });

describe('spreadAmount', () => {
  it('splits in proportion and adds up exactly, leftover cents to the largest remainders, earliest first', () => {
    expect(spreadAmount(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(spreadAmount(1000, [2420, 1040, 0])).toEqual([699, 301, 0]);
    expect(spreadAmount(7, [0, 0])).toEqual([0, 0]);
    for (const amount of [1, 99, 12345]) expect(spreadAmount(amount, [3, 7, 11, 13]).reduce((a, b) => a + b, 0)).toBe(amount);
  });
});

describe('runAdjusters', () => {
  it('clamps to what is left and lets later adjusters see the reduced group', async () => {
    const seen: number[] = [];
    const result = await runAdjusters(ctx, [
      adjuster('a', async () => ({ adjustments: [discount(300, 'x'), discount(9999, null, 'SHIPPING')], warnings: [] })),
      adjuster('b', async (_ctx, g) => {
        seen.push(g.subtotal, g.shipping, g.lines[0]!.subtotal);
        return { adjustments: [discount(10_000)], warnings: [{ code: 'W', message: 'w' }] };
      }),
    ], group([line('x', 1000), line('y', 500)]));
    expect(seen).toEqual([1200, 0, 700]);
    expect(result.adjustments.map((a) => [a.amount, a.perLine])).toEqual([[300, [300, 0]], [500, [0, 0]], [1200, [700, 500]]]);
    expect(result).toMatchObject({ lineDiscounts: [1000, 500], discount: 2000, total: 0, warnings: [{ code: 'W', message: 'w' }] });
  });

  it('drops adjustments that are not positive whole amounts or name a line not in the group', async () => {
    const result = await runAdjusters(ctx, [adjuster('a', async () => ({ adjustments: [discount(0), discount(-5), discount(1.5), discount(10, 'nope')], warnings: [] }))], group([line('x', 1000)]));
    expect(result.adjustments).toEqual([]);
    expect(result.total).toBe(1500);
  });
});

describe('runAdjustersOver', () => {
  it("gives every group what runAdjusters gives it alone, calling an adjuster's adjustAll once with every group", async () => {
    const calls: number[] = [];
    const halfOff: Adjuster = {
      name: 'half',
      adjust: async (_ctx, g) => ({ adjustments: [discount(g.subtotal / 2)], warnings: [] }),
      adjustAll: async (_ctx, gs) => {
        calls.push(gs.length);
        return gs.map((g) => ({ adjustments: [discount(g.subtotal / 2)], warnings: [{ code: 'W', message: g.sellerId }] }));
      },
    };
    const shipping = adjuster('ship', async (_ctx, g) => ({ adjustments: [discount(g.subtotal, null, 'SHIPPING')], warnings: [] }));
    const groups = [{ ...group([line('x', 1000), line('y', 600)]), sellerId: 'a' }, { ...group([line('z', 400)], 300), sellerId: 'b' }];
    const together = await runAdjustersOver(ctx, [halfOff, shipping], groups);
    expect(calls).toEqual([2]);
    const alone = [await runAdjusters(ctx, [halfOff, shipping], groups[0]!), await runAdjusters(ctx, [halfOff, shipping], groups[1]!)];
    expect(together).toEqual(alone);
    expect(together.map((g) => [g.discount, g.total, g.warnings])).toEqual([
      [800 + 500, 1600 + 500 - 1300, [{ code: 'W', message: 'a' }]],
      [200 + 200, 400 + 300 - 400, [{ code: 'W', message: 'b' }]],
    ]);
  });
});

describe('taxOrder with adjustments', () => {
  it('takes VAT on the discounted base per rate and adds up to what is charged', () => {
    const lines = [{ total: 2420, taxClass: 'standard' as const }, { total: 1040, taxClass: 'super_reduced' as const }];
    const perLine = spreadAmount(346, [2420, 1040]);
    const taxes = taxOrder(lines, 499, 'ES', [
      { label: '10% off', kind: 'DISCOUNT', target: 'ITEMS', amount: 346, perLine },
      { label: 'Free shipping', kind: 'DISCOUNT', target: 'SHIPPING', amount: 499, perLine: [0, 0] },
    ]);
    expect(taxes.gross).toBe(2420 + 1040 + 499 - 346 - 499);
    expect(taxes.adjustments.map((a) => [a.label, a.rate, a.gross])).toEqual([
      ['10% off', 2100, -perLine[0]!],
      ['10% off', 400, -perLine[1]!],
      ['Free shipping', 2100, -499],
    ]);
    // 21% inside 2420 − 242 = 2178 is 378; 4% inside 1040 − 104 = 936 is 36: per-line rounding keeps it to the cent.
    expect(taxes.tax).toBe(378 + 36);
    expect(taxes.net + taxes.tax).toBe(taxes.gross);
  });
});
