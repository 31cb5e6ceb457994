import { randomUUID } from 'node:crypto';
import type { TestApp } from '../../helpers/test-app';
import { buy, customers, openComplaint, openShop, refundedOf, REFUND, RETURN_RECEIVE, RETURN_START, startComplaintApp, testClock, type Shop } from './complaint-fixtures';
import { createPromotion } from '../promotions/promotion-fixtures';

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
  it('refunds at most what was paid for a discounted line, not its price before the discount', async () => {
    const discounted = await openShop(t, { price: 1000 });
    await createPromotion(t, discounted.seller.key, { name: 'Fifth off', trigger: 'AUTOMATIC', percentOff: 20 });
    const [buyer] = await customers(t, 1);
    const order = await buy(t, discounted, buyer!, { quantity: 2 });
    const complaint = await openComplaint(t, buyer!, order);
    const tooMuch = await t.data(REFUND, { input: { complaintId: complaint.id, amount: 1700, idempotencyKey: randomUUID() } }, discounted.seller.key);
    expect(tooMuch.complaintRefund.userErrors).toEqual([expect.objectContaining({ code: 'REFUND_EXCEEDS_PAID' })]);
    const all = await t.data(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, discounted.seller.key);
    expect(all.complaintRefund.userErrors).toEqual([]);
    expect(all.complaintRefund.refund.amount.amount).toBe(1600);
    expect(await refundedOf(t, order)).toEqual({ ledger: 1600, provider: 1600 });
  });

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

describe('complaint refunds of the shipping (includeShipping)', () => {
  // Test sellers charge the default 4.99 shipping below their free-shipping threshold (none).
  const SHIPPING = 499;
  const creditLines = (res: any) => res.complaintRefund.complaint.refunds.at(-1).creditNote.lines.map((l: any) => [l.description, l.quantity, l.gross.amount]);

  it('refunds the goods, then the shipping paid, for a complaint over the whole order; the credit note reverses the shipping line', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    const first = await refund({ complaintId: complaint.id, amount: 1200, includeShipping: true, idempotencyKey: randomUUID(), resolve: false });
    expect(first.complaintRefund.userErrors).toEqual([]);
    expect(first.complaintRefund.refund.amount.amount).toBe(1200);
    expect(creditLines(first)).toEqual([
      [expect.any(String), 1, -1000],
      ['Partial refund: Shipping', 1, -200],
    ]);
    const tooMuch = await refund({ complaintId: complaint.id, amount: SHIPPING - 199, includeShipping: true, idempotencyKey: randomUUID() });
    expect(tooMuch.complaintRefund.userErrors).toEqual([expect.objectContaining({ field: ['input', 'amount'], code: 'REFUND_EXCEEDS_PAID' })]);
    const rest = await refund({ complaintId: complaint.id, includeShipping: true, idempotencyKey: randomUUID() });
    expect(rest.complaintRefund.userErrors).toEqual([]);
    expect(rest.complaintRefund.refund.amount.amount).toBe(SHIPPING - 200);
    expect(rest.complaintRefund.complaint).toMatchObject({ state: 'RESOLVED', resolution: 'REFUND' });
    expect(await refundedOf(t, order)).toEqual({ ledger: 1000 + SHIPPING, provider: 1000 + SHIPPING });
  });

  it('reverses the whole shipping line at once, and by default refunds the goods only', async () => {
    const [buyer, other] = await customers(t, 2);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    const all = await refund({ complaintId: complaint.id, includeShipping: true, idempotencyKey: randomUUID() });
    expect(all.complaintRefund.refund.amount.amount).toBe(1000 + SHIPPING);
    expect(creditLines(all)).toEqual([
      [expect.any(String), 1, -1000],
      ['Shipping', 1, -SHIPPING],
    ]);
    const goodsOnly = await buy(t, shop, other!);
    const plain = await refund({ complaintId: (await openComplaint(t, other!, goodsOnly)).id, idempotencyKey: randomUUID() });
    expect(plain.complaintRefund.refund.amount.amount).toBe(1000);
    expect(await refundedOf(t, goodsOnly)).toEqual({ ledger: 1000, provider: 1000 });
  });

  it('refuses it for a complaint over part of the order, and moves nothing', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 2 });
    const complaint = await openComplaint(t, buyer!, order, { lines: [{ orderLineId: order.lineIds[0], quantity: 1 }] });
    const res = await refund({ complaintId: complaint.id, includeShipping: true, idempotencyKey: randomUUID() });
    expect(res.complaintRefund.userErrors).toEqual([expect.objectContaining({ field: ['input', 'includeShipping'], code: 'INVALID' })]);
    expect(await refundedOf(t, order)).toEqual({ ledger: 0, provider: 0 });
    const goods = await refund({ complaintId: complaint.id, idempotencyKey: randomUUID() });
    expect(goods.complaintRefund.refund.amount.amount).toBe(1000);
  });

  it('refunds what was paid for the shipping, not what it would have cost, when a promotion made it free', async () => {
    const free = await openShop(t, { price: 1000 });
    await createPromotion(t, free.seller.key, { name: 'Free shipping', trigger: 'AUTOMATIC', kind: 'FREE_SHIPPING', percentOff: null });
    const [buyer] = await customers(t, 1);
    const order = await buy(t, free, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    const res = await t.data(REFUND, { input: { complaintId: complaint.id, includeShipping: true, idempotencyKey: randomUUID() } }, free.seller.key);
    expect(res.complaintRefund.userErrors).toEqual([]);
    expect(res.complaintRefund.refund.amount.amount).toBe(1000);
    expect(await refundedOf(t, order)).toEqual({ ledger: 1000, provider: 1000 });
  });

  it('adds it to the refund of a returned whole order', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 2 });
    const complaint = await openComplaint(t, buyer!, order, { desiredResolution: 'RETURN_AND_REFUND' });
    const started = await t.data(RETURN_START, { input: { complaintId: complaint.id, instructions: 'Label: https://labels.example.com/2' } }, shop.seller.key);
    expect(started.complaintReturnStart.userErrors).toEqual([]);
    const received = await t.data(RETURN_RECEIVE, { input: { complaintId: complaint.id, idempotencyKey: randomUUID(), includeShipping: true } }, shop.seller.key);
    expect(received.complaintReturnReceive.userErrors).toEqual([]);
    expect(received.complaintReturnReceive.refund.amount.amount).toBe(2000 + SHIPPING);
    expect(await refundedOf(t, order)).toEqual({ ledger: 2000 + SHIPPING, provider: 2000 + SHIPPING });
  });
});
