import { randomUUID } from 'node:crypto';
import { statementCount } from '../../../src/db/data-source';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createSeller } from '../../helpers/fixtures';
import { cartWith, insertCustomers, madrid } from '../../helpers/customers';
import { APPLY, CHECKOUT, consentWithTraits, createPromotion, listingOf, uuidOf } from './promotion-fixtures';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const checkout = (cartId: string, token: string) => t.data(CHECKOUT, { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, token);

/**
 * A seller with a budgeted, a once-per-customer and a targeted promotion (for its past buyers who consented; all
 * stackable, in that order), and a listing of 10 €.
 */
async function promotedSeller(budget = 250) {
  const s = await createSeller(t);
  const item = await listingOf(t, s, 1000, 1000);
  const budgeted = await createPromotion(t, s.key, { name: 'Budgeted', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 100, currency: 'EUR' }, budget: { amount: budget, currency: 'EUR' }, priority: 3 });
  const once = await createPromotion(t, s.key, { name: 'Once', percentOff: 10, perCustomerLimit: 1, priority: 2 });
  const targeted = await createPromotion(t, s.key, { name: 'Targeted', percentOff: 5, targeting: { trait: 'BOUGHT_FROM_SELLER' }, priority: 1 });
  return { item, budgeted, once, targeted };
}

// Issue 14: promotions were evaluated and consumed seller group by seller group (a count of the customer's uses,
// a targeting read per targeted promotion, a lock, the uses again and a budget update per group); now once for
// the whole purchase (promotion-adjuster.ts adjustAll).
describe('promotions at checkout over several sellers', () => {
  it("gives each seller's group what it would get alone, and spends budgets and limits per promotion", async () => {
    const sellers = [await promotedSeller(), await promotedSeller(), await promotedSeller()];
    const [buyer, stranger] = await insertCustomers(t, 2);
    await consentWithTraits(t, [buyer!.id]);
    const lines = sellers.map((s) => ({ listingId: s.item.listingId, quantity: 1 }));

    // First purchase: budgeted 100, then 10% of 900 = 90; not yet a past buyer of any seller: not targeted.
    const first = (await checkout(await cartWith(t, buyer!.token, lines), buyer!.token)).checkoutComplete;
    expect(first.userErrors).toEqual([]);
    expect(first.checkout.orders.map((o: any) => o.discountTotal.amount)).toEqual([190, 190, 190]);
    expect(first.warnings).toEqual([]);
    // Second: the once-per-customer promotions are used up; the budgets (250) still have 150 each; now a past
    // buyer of each seller: 100, then 5% of 900.
    const second = (await checkout(await cartWith(t, buyer!.token, lines), buyer!.token)).checkoutComplete;
    expect(second.checkout.orders.map((o: any) => o.discountTotal.amount)).toEqual([145, 145, 145]);
    // Third: 50 left of each budget, less than the 100 asked: not applied, with a warning per seller (and
    // one for the used-up limit); 5% of 1000.
    const third = (await checkout(await cartWith(t, buyer!.token, lines), buyer!.token)).checkoutComplete;
    expect(third.checkout.orders.map((o: any) => o.discountTotal.amount)).toEqual([50, 50, 50]);
    expect(third.warnings.map((w: any) => w.code).sort()).toEqual([
      ...Array(3).fill('PROMOTION_BUDGET_EXHAUSTED'),
      ...Array(3).fill('PROMOTION_LIMIT_REACHED'),
    ]);
    // A customer without consent gets the once-per-customer promotion but neither the targeted one nor the spent budget.
    const other = (await checkout(await cartWith(t, stranger!.token, lines), stranger!.token)).checkoutComplete;
    expect(other.checkout.orders.map((o: any) => o.discountTotal.amount)).toEqual([100, 100, 100]);

    const ids = sellers.flatMap((s) => [s.budgeted.id, s.once.id, s.targeted.id]).map(uuidOf);
    const rows = await t.sql(
      `SELECT p.name, p.budget_used AS used, (SELECT count(*)::int FROM promotion_redemption r WHERE r.promotion_id = p.id) AS redemptions
         FROM promotion p WHERE p.id = ANY($1::uuid[]) ORDER BY p.name`,
      [ids],
    );
    expect(rows).toEqual([
      ...Array(3).fill({ name: 'Budgeted', used: 200, redemptions: 2 }),
      ...Array(3).fill({ name: 'Once', used: 0, redemptions: 2 }),
      ...Array(3).fill({ name: 'Targeted', used: 0, redemptions: 2 }),
    ]);
  });

  it('spends a budget once per code when two single-use codes of one promotion are on the cart', async () => {
    const s = await createSeller(t);
    const item = await listingOf(t, s, 1000);
    const buyers = await insertCustomers(t, 2);
    // 1 € a code, stackable, with a budget of 1.50 €: room for one of a cart's two codes, then for none.
    const p = await createPromotion(t, s.key, {
      name: 'Two codes', trigger: 'UNIQUE_CODES', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 100, currency: 'EUR' },
      budget: { amount: 150, currency: 'EUR' }, stacking: 'STACKABLE',
    });
    const gen = await t.data('mutation ($input: PromotionCodesGenerateInput!) { promotionCodesGenerate(input: $input) { codes } }', { input: { id: p.id, count: 4 } }, s.key);
    const codes: string[] = gen.promotionCodesGenerate.codes;
    const cartOf = async (buyer: (typeof buyers)[number]) => cartWith(t, buyer.token, [{ listingId: item.listingId, quantity: 2 }]);
    const apply = async (buyer: (typeof buyers)[number], cartId: string, code: string) =>
      (await t.data(APPLY, { input: { cartId, code } }, buyer.token)).cartCodeApply.userErrors.map((e: any) => e.code);
    const cart = await cartOf(buyers[0]!);
    // Each code alone fits the budget, so the cart takes both.
    for (const code of codes.slice(0, 2)) expect(await apply(buyers[0]!, cart, code)).toEqual([]);
    const first = (await checkout(cart, buyers[0]!.token)).checkoutComplete;
    expect(first.userErrors).toEqual([]);
    expect(first.checkout.orders[0].discountTotal.amount).toBe(100);
    expect(first.warnings.map((w: any) => w.code)).toEqual(['PROMOTION_BUDGET_EXHAUSTED']);
    // The budget says what the orders got, and the code that was not applied is still free.
    const state = async () => (await t.sql('SELECT budget_used AS used, (SELECT count(*)::int FROM promotion_code c WHERE c.promotion_id = p.id AND c.redeemed_at IS NOT NULL) AS redeemed FROM promotion p WHERE p.id = $1', [uuidOf(p.id)]))[0];
    expect(await state()).toEqual({ used: 100, redeemed: 1 });
    // 50 left: a third code no longer fits.
    expect(await apply(buyers[1]!, await cartOf(buyers[1]!), codes[2]!)).toEqual(['PROMOTION_BUDGET_EXHAUSTED']);
  });

  it('sends as many statements for a three-seller checkout as for a one-seller one', async () => {
    const sellers = [await promotedSeller(100_000), await promotedSeller(100_000), await promotedSeller(100_000)];
    const buyers = await insertCustomers(t, 6);
    await consentWithTraits(t, buyers.map((b) => b.id));
    // The counter is the app's: its background work (the events' handlers) adds to it now and then, never takes
    // away, so the least of a few checkouts is what the request itself sent. Fresh buyers: the same promotions apply to each (targeting asked, not matched).
    const least = async (count: number, from: number) => {
      let fewest = Number.POSITIVE_INFINITY;
      for (const buyer of buyers.slice(from, from + 3)) {
        const cart = await cartWith(t, buyer.token, sellers.slice(0, count).map((s) => ({ listingId: s.item.listingId, quantity: 1 })));
        const start = statementCount(t.app.dataSource);
        const done = (await checkout(cart, buyer.token)).checkoutComplete;
        fewest = Math.min(fewest, statementCount(t.app.dataSource) - start);
        expect(done.checkout.orders.map((o: any) => o.discountTotal.amount)).toEqual(Array(count).fill(190));
      }
      return fewest;
    };
    expect(await least(3, 0)).toBe(await least(1, 3));
  });
});
