import { complaintPenalties, PRIOR_MEAN } from '../../../src/modules/reviews';
import { buy, customers, OPEN, openShop, startComplaintApp, testClock } from '../complaints/complaint-fixtures';
import type { TestApp } from '../../helpers/test-app';
import { until } from '../../helpers/until';

const clock = testClock();
let t: TestApp;
beforeAll(async () => {
  t = await startComplaintApp(clock);
});
afterAll(() => t.stop());

const ratingOf = async (sellerId: string) => (await t.data('query ($id: ID!) { node(id: $id) { ... on Seller { rating ratingCount } } }', { id: sellerId })).node;

describe('the seller rating and complaints', () => {
  it('takes a penalty off a seller whose orders end in complaints, and none off one whose orders do not', async () => {
    const [complained, quiet] = [await openShop(t), await openShop(t)];
    const buyers = await customers(t, 4);
    for (const buyer of buyers) {
      const order = await buy(t, complained, buyer);
      await buy(t, quiet, buyer);
      const res = await t.data(OPEN, { input: { orderId: order.id, reason: 'DAMAGED', description: 'Broken.', desiredResolution: 'REFUND' } }, buyer.token);
      expect(res.complaintOpen.userErrors).toEqual([]);
    }
    // 4 complaints on 4 orders: smoothed (4 + 1) / (4 + 50) ≈ 9.3%, 7.3 points above 2%: 0.73 stars off.
    const [rate, escalations] = complaintPenalties({ orders: 4, complaints: 4, escalated: 0 });
    expect(rate!.points).toBeCloseTo(0.726, 3);
    expect(escalations!.points).toBe(0);
    const expected = Math.round((PRIOR_MEAN - rate!.points) * 100) / 100;
    await until(async () => (await ratingOf(complained.seller.id)).rating === expected, 'the complained-about seller to lose stars');
    expect(await ratingOf(complained.seller.id)).toEqual({ rating: expected, ratingCount: 0 });
    expect(await ratingOf(quiet.seller.id)).toEqual({ rating: PRIOR_MEAN, ratingCount: 0 });
  });

  it('smooths a first complaint among few orders to nothing and caps the penalties at 1.5 stars', () => {
    expect(complaintPenalties({ orders: 0, complaints: 0, escalated: 0 }).every((p) => p.points === 0)).toBe(true);
    expect(complaintPenalties({ orders: 200, complaints: 1, escalated: 0 })[0]!.points).toBe(0);
    const worst = complaintPenalties({ orders: 10, complaints: 10_000, escalated: 10_000 });
    expect(worst.reduce((sum, p) => sum + p.points, 0)).toBeLessThanOrEqual(1.5);
  });
});
