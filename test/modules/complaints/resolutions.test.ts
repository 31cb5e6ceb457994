import { randomUUID } from 'node:crypto';
import { pdfTexts } from '../../helpers/pdf-text';
import type { TestApp } from '../../helpers/test-app';
import { ADMIN_KEY } from '../../helpers/test-app';
import {
  buy,
  COMPLAINT,
  customers,
  openComplaint,
  openShop,
  pdfOf,
  POST,
  refundedOf,
  REFUND,
  REPLACE,
  RETURN_RECEIVE,
  RETURN_START,
  startComplaintApp,
  testClock,
  type Shop,
} from './complaint-fixtures';

const clock = testClock();
let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await startComplaintApp(clock);
  shop = await openShop(t);
});
afterAll(() => t.stop());

const stock = async () => (await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { stock } } }', { id: shop.listingId })).node.stock;
const R_NUMBER = /^[A-Z0-9]+-R-\d{4}-(\d{6})$/;

describe('complaint resolutions', () => {
  it('refunds in full: money back through the provider, a credit note in the R series with its PDF', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 2 });
    const complaint = await openComplaint(t, buyer!, order, {
      attachments: [{ url: 'https://photos.example.com/crushed.jpg', contentType: 'image/jpeg' }],
    });
    expect(complaint).toMatchObject({ state: 'OPEN', reason: 'DAMAGED', lines: [{ quantity: 2, orderLine: { id: order.lineIds[0] } }] });
    expect(complaint.history).toEqual([{ from: null, to: 'OPEN', actorRole: 'CUSTOMER', note: null, at: expect.any(String) }]);

    const reply = await t.data(POST, { input: { complaintId: complaint.id, body: 'Sorry about that, refunding now.' } }, shop.seller.key);
    expect(reply.complaintMessagePost).toMatchObject({ message: { authorRole: 'SELLER' }, complaint: { state: 'AWAITING_CUSTOMER' }, userErrors: [] });

    const res = await t.data(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID(), note: 'Damaged in transit' } }, shop.seller.key);
    expect(res.complaintRefund.userErrors).toEqual([]);
    expect(res.complaintRefund.refund.amount.amount).toBe(5000);
    const resolved = res.complaintRefund.complaint;
    expect(resolved).toMatchObject({ state: 'RESOLVED', resolution: 'REFUND', sellerDueAt: null });
    expect(resolved.history.map((h: any) => [h.from, h.to, h.actorRole])).toEqual([
      [null, 'OPEN', 'CUSTOMER'],
      ['OPEN', 'AWAITING_CUSTOMER', 'SELLER'],
      ['AWAITING_CUSTOMER', 'RESOLVED', 'SELLER'],
    ]);
    expect(await refundedOf(t, order)).toEqual({ ledger: 5000, provider: 5000 });

    const note = resolved.refunds[0].creditNote;
    expect(note).toMatchObject({ kind: 'CREDIT_NOTE', number: expect.stringMatching(R_NUMBER), gross: { amount: -5000 } });
    expect(note.lines).toEqual([expect.objectContaining({ quantity: 2, unitPrice: { amount: -2500 }, gross: { amount: -5000 } })]);
    expect(note.lines[0].tax.amount).toBeLessThan(0);
    const invoice = (await t.data('query ($id: ID!) { order(id: $id) { invoice { number } } }', { id: order.id }, buyer!.token)).order.invoice;
    expect(note.correctedInvoice.number).toBe(invoice.number);

    const pdf = await pdfOf(t, note.pdfUrl, buyer!.token);
    expect(pdf.status).toBe(200);
    const text = pdfTexts(Buffer.from(await pdf.arrayBuffer())).join('\n');
    expect(text).toContain(note.number);
    expect(text).toContain(invoice.number);
    expect(text).toContain('Damaged in transit');
  });

  it('refunds in parts, never above what was paid for the lines, and resolves with the last part', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order, { reason: 'NOT_AS_DESCRIBED', desiredResolution: 'PARTIAL_REFUND' });
    const first = await t.data(REFUND, { input: { complaintId: complaint.id, amount: 1000, idempotencyKey: randomUUID(), resolve: false } }, shop.seller.key);
    expect(first.complaintRefund.complaint).toMatchObject({ state: 'AWAITING_CUSTOMER', resolution: null });
    const note = first.complaintRefund.complaint.refunds[0].creditNote;
    expect(note.lines).toEqual([expect.objectContaining({ quantity: 1, description: expect.stringMatching(/^Partial refund: /), gross: { amount: -1000 } })]);
    const tooMuch = await t.data(REFUND, { input: { complaintId: complaint.id, amount: 1501, idempotencyKey: randomUUID() } }, shop.seller.key);
    expect(tooMuch.complaintRefund.userErrors).toEqual([{ field: ['input', 'amount'], message: expect.stringContaining('1500'), code: 'REFUND_EXCEEDS_PAID' }]);
    const rest = await t.data(REFUND, { input: { complaintId: complaint.id, amount: 1500, idempotencyKey: randomUUID() } }, shop.seller.key);
    expect(rest.complaintRefund.complaint).toMatchObject({ state: 'RESOLVED', resolution: 'PARTIAL_REFUND' });
    const numbers = rest.complaintRefund.complaint.refunds.map((r: any) => Number(R_NUMBER.exec(r.creditNote.number)![1]));
    expect(numbers[1]).toBe(numbers[0] + 1);
    // The shipping was not part of the goods: 499 stays paid.
    expect(await refundedOf(t, order)).toEqual({ ledger: 2500, provider: 2500 });
  });

  it('replaces: a zero-priced order of the same seller that takes stock, and no money moves', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 3 });
    const complaint = await openComplaint(t, buyer!, order, {
      reason: 'WRONG_ITEM',
      desiredResolution: 'REPLACEMENT',
      lines: [{ orderLineId: order.lineIds[0], quantity: 2 }],
    });
    const before = await stock();
    const res = await t.data(REPLACE, { input: { complaintId: complaint.id, note: 'Sending the right ones' } }, shop.seller.key);
    expect(res.complaintReplace.userErrors).toEqual([]);
    expect(res.complaintReplace.replacementOrder).toMatchObject({ state: 'PAID', total: { amount: 0 }, lines: [{ quantity: 2, unitPrice: { amount: 0 } }] });
    expect(res.complaintReplace.complaint).toMatchObject({ state: 'RESOLVED', resolution: 'REPLACEMENT', refunds: [] });
    expect(await stock()).toBe(before - 2);
    expect(await refundedOf(t, order)).toEqual({ ledger: 0, provider: 0 });
    const mine = await t.data('{ viewer { orders(first: 5) { nodes { id total { amount } seller { id } } } } }', {}, buyer!.token);
    expect(mine.viewer.orders.nodes[0]).toEqual({ id: res.complaintReplace.replacementOrder.id, total: { amount: 0 }, seller: { id: shop.seller.id } });
  });

  it('takes goods back: requested → instructions → received (restocked) → refunded, with a credit note', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 2 });
    const complaint = await openComplaint(t, buyer!, order, { desiredResolution: 'RETURN_AND_REFUND', lines: [{ orderLineId: order.lineIds[0], quantity: 1 }] });
    expect(complaint.return).toMatchObject({ state: 'REQUESTED', receivedAt: null });
    const early = await t.data(RETURN_RECEIVE, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, shop.seller.key);
    expect(early.complaintReturnReceive.userErrors[0].code).toBe('INVALID_STATE');
    const started = await t.data(RETURN_START, { input: { complaintId: complaint.id, instructions: 'Label: https://labels.example.com/1' } }, shop.seller.key);
    expect(started.complaintReturnStart.complaint).toMatchObject({ state: 'AWAITING_CUSTOMER', return: { state: 'INSTRUCTIONS_SENT' } });
    const before = await stock();
    const key = randomUUID();
    const received = await t.data(RETURN_RECEIVE, { input: { complaintId: complaint.id, idempotencyKey: key } }, shop.seller.key);
    expect(received.complaintReturnReceive.userErrors).toEqual([]);
    expect(received.complaintReturnReceive.refund.amount.amount).toBe(2500);
    expect(received.complaintReturnReceive.complaint).toMatchObject({
      state: 'RESOLVED',
      resolution: 'RETURN_AND_REFUND',
      return: { state: 'REFUNDED', receivedAt: expect.any(String), refundedAt: expect.any(String) },
    });
    expect(await stock()).toBe(before + 1);
    const again = await t.data(RETURN_RECEIVE, { input: { complaintId: complaint.id, idempotencyKey: key } }, shop.seller.key);
    expect(again.complaintReturnReceive.refund.creditNote.number).toBe(received.complaintReturnReceive.refund.creditNote.number);
    expect(await stock()).toBe(before + 1);
    expect(await refundedOf(t, order)).toEqual({ ledger: 2500, provider: 2500 });
    const events = await t.app.dataSource.query(`SELECT type FROM outbox WHERE payload->>'complaintId' = $1 ORDER BY id`, [
      Buffer.from(complaint.id, 'base64url').toString().split(':')[1],
    ]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['complaint.opened', 'complaint.updated', 'return.received', 'refund.issued', 'complaint.resolved']);
  });

  it('lets the operator decide an escalated complaint, recorded as the operator', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order, { reason: 'MISSING_PARTS' });
    const rejected = await t.data(`mutation ($input: ComplaintNoteInput!) { complaintReject(input: $input) { complaint { state } userErrors { code } } }`, { input: { complaintId: complaint.id, note: 'All parts were in the box.' } }, shop.seller.key);
    expect(rejected.complaintReject.complaint.state).toBe('REJECTED');
    const escalated = await t.data(`mutation ($input: ComplaintNoteInput!) { complaintEscalate(input: $input) { complaint { state } userErrors { code } } }`, { input: { complaintId: complaint.id, note: 'They were not.' } }, buyer!.token);
    expect(escalated.complaintEscalate.complaint.state).toBe('ESCALATED');
    const bySeller = await t.data(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, shop.seller.key);
    expect(bySeller.complaintRefund.userErrors[0].code).toBe('INVALID_STATE');
    const byOperator = await t.data(REFUND, { input: { complaintId: complaint.id, amount: 800, idempotencyKey: randomUUID() } }, ADMIN_KEY);
    expect(byOperator.complaintRefund.complaint).toMatchObject({ state: 'RESOLVED', resolution: 'PARTIAL_REFUND', refunds: [{ actorRole: 'OPERATOR' }] });
    expect(byOperator.complaintRefund.complaint.history.at(-1)).toMatchObject({ from: 'ESCALATED', to: 'RESOLVED', actorRole: 'OPERATOR' });
    const view = await t.data(COMPLAINT, { id: complaint.id }, buyer!.token);
    expect(view.complaint.state).toBe('RESOLVED');
  });

  it("reports the seller's complaint record to the seller and the operator only", async () => {
    const METRICS = 'query ($id: ID!) { node(id: $id) { ... on Seller { complaintMetrics { orders complaints complaintRate medianFirstResponseSeconds escalatedShare customerFavourShare } } } }';
    const expected = {
      // Five orders complained about, all resolved for the customer; the replacement is no order of its own here.
      orders: 5,
      complaints: 5,
      complaintRate: 1,
      medianFirstResponseSeconds: expect.any(Number),
      escalatedShare: 0.2,
      customerFavourShare: 1,
    };
    expect((await t.data(METRICS, { id: shop.seller.id }, shop.seller.key)).node.complaintMetrics).toEqual(expected);
    expect((await t.data(METRICS, { id: shop.seller.id }, ADMIN_KEY)).node.complaintMetrics).toEqual(expected);
    const [buyer] = await customers(t, 1);
    const other = await openShop(t);
    expect((await t.data(METRICS, { id: shop.seller.id }, buyer!.token)).node.complaintMetrics).toBeNull();
    expect((await t.data(METRICS, { id: shop.seller.id }, other.seller.key)).node.complaintMetrics).toBeNull();
    expect((await t.data(METRICS, { id: other.seller.id }, other.seller.key)).node.complaintMetrics).toEqual({
      orders: 0,
      complaints: 0,
      complaintRate: 0,
      medianFirstResponseSeconds: null,
      escalatedShare: null,
      customerFavourShare: null,
    });
  });
});
