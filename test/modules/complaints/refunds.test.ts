import { randomUUID } from 'node:crypto';
import type { TestApp } from '../../helpers/test-app';
import { buy, customers, openComplaint, openShop, refundedOf, REFUND, startComplaintApp, testClock, type Shop } from './complaint-fixtures';

const clock = testClock();
let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await startComplaintApp(clock);
  shop = await openShop(t, { price: 1000 });
});
afterAll(() => t.stop());

const refund = (input: Record<string, unknown>) => t.data(REFUND, { input }, shop.seller.key);

describe('complaint refunds', () => {
  it('refunds once when retried with the same key, and refuses the key for another amount', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => refund({ complaintId: complaint.id, amount: 300, idempotencyKey: key, resolve: false })));
    for (const a of answers) expect(a.complaintRefund.userErrors).toEqual([]);
    expect(new Set(answers.map((a) => a.complaintRefund.refund.id)).size).toBe(1);
    expect(await refundedOf(t, order)).toEqual({ ledger: 300, provider: 300 });
    const later = await refund({ complaintId: complaint.id, amount: 300, idempotencyKey: key });
    expect(later.complaintRefund.refund.id).toBe(answers[0]!.complaintRefund.refund.id);
    expect(later.complaintRefund.complaint.refunds).toHaveLength(1);
    expect(await refundedOf(t, order)).toEqual({ ledger: 300, provider: 300 });
  });

  it('never refunds more than was paid for the lines under 20 concurrent partial refunds', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 3 });
    const complaint = await openComplaint(t, buyer!, order);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refund({ complaintId: complaint.id, amount: 250, idempotencyKey: randomUUID(), resolve: false })),
    );
    const ok = answers.filter((a) => a.complaintRefund.userErrors.length === 0);
    const refused = answers.filter((a) => a.complaintRefund.userErrors.length > 0);
    expect(ok).toHaveLength(12);
    for (const r of refused) expect(r.complaintRefund.userErrors[0].code).toBe('REFUND_EXCEEDS_PAID');
    expect(await refundedOf(t, order)).toEqual({ ledger: 3000, provider: 3000 });
  });

  it('numbers credit notes without gaps or duplicates under concurrency, shared with cancellations', async () => {
    const buyers = await customers(t, 8);
    const orders = await Promise.all(buyers.map((b) => buy(t, shop, b)));
    const complaints = await Promise.all(buyers.map((b, i) => openComplaint(t, b, orders[i]!)));
    const [canceller] = await customers(t, 1);
    const placed = await t.data(
      'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code } } }',
      { input: { listingId: shop.listingId, quantity: 1, idempotencyKey: randomUUID() } },
      canceller!.token,
    );
    const cancel = t.data('mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { userErrors { code } } }', {
      input: { id: placed.buyNow.checkout.orders[0].id },
    }, canceller!.token);
    const results = await Promise.all([...complaints.map((c) => refund({ complaintId: c.id, amount: 100, idempotencyKey: randomUUID() })), cancel]);
    for (const r of results.slice(0, -1)) expect(r.complaintRefund.userErrors).toEqual([]);
    expect(results.at(-1).orderCancel.userErrors).toEqual([]);
    const notes: { sequence: number }[] = await t.app.dataSource.query(
      `SELECT sequence FROM invoice i JOIN seller s ON s.id = i.seller_id WHERE i.kind = 'credit_note' AND s.slug = $1 ORDER BY sequence`,
      [shop.seller.slug],
    );
    const sequences = notes.map((n) => n.sequence);
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
    // 8 refunds and the cancellation, plus the notes of the tests before: one number each, 1 to n.
    expect(sequences.length).toBeGreaterThanOrEqual(9);
    expect(new Set(sequences).size).toBe(sequences.length);
  });
});
