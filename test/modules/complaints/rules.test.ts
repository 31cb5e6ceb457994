import { randomUUID } from 'node:crypto';
import { createSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, type TestApp } from '../../helpers/test-app';
import { buy, COMPLAINT, customers, OPEN, openComplaint, openShop, POST, REFUND, REJECT, startComplaintApp, testClock, type Shop } from './complaint-fixtures';

const clock = testClock();
let t: TestApp;
let shop: Shop;
let rival: Shop;
beforeAll(async () => {
  t = await startComplaintApp(clock);
  shop = await openShop(t);
  rival = await openShop(t);
});
afterAll(() => t.stop());
afterEach(() => clock.reset());

const open = async (token: string, input: Record<string, unknown>) =>
  (await t.data(OPEN, { input: { reason: 'DAMAGED', description: 'Broken.', desiredResolution: 'REFUND', ...input } }, token)).complaintOpen;

describe('opening a complaint', () => {
  it("refuses someone else's order as not found", async () => {
    const [buyer, stranger] = await customers(t, 2);
    const order = await buy(t, shop, buyer!);
    expect((await open(stranger!.token, { orderId: order.id })).userErrors).toEqual([{ field: ['input', 'orderId'], message: 'Order not found.', code: 'NOT_FOUND' }]);
    const bySeller = await t.request(OPEN, { input: { orderId: order.id, reason: 'OTHER', description: 'x', desiredResolution: 'REFUND' } }, shop.seller.key);
    expect(bySeller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('opens only within the window after delivery, or after the expected delivery when never delivered', async () => {
    const [buyer] = await customers(t, 1);
    const delivered = await buy(t, shop, buyer!);
    clock.advanceHours(31 * 24);
    const late = await open(buyer!.token, { orderId: delivered.id });
    expect(late.userErrors).toEqual([{ field: ['input', 'orderId'], message: expect.stringContaining('30 days after delivery'), code: 'COMPLAINT_WINDOW_CLOSED' }]);
    clock.reset();
    const shipped = await buy(t, shop, buyer!, { deliver: false });
    const early = await open(buyer!.token, { orderId: shipped.id, reason: 'NOT_RECEIVED' });
    expect(early.userErrors).toEqual([{ field: ['input', 'orderId'], message: expect.stringContaining('expected by'), code: 'COMPLAINT_WINDOW_CLOSED' }]);
    clock.advanceHours(7 * 24);
    const lost = await open(buyer!.token, { orderId: shipped.id, reason: 'NOT_RECEIVED' });
    expect(lost.userErrors).toEqual([]);
    expect(lost.complaint.reason).toBe('NOT_RECEIVED');
  });

  it('refuses a second complaint on the same lines and more units than bought', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!, { quantity: 2 });
    const tooMany = await open(buyer!.token, { orderId: order.id, lines: [{ orderLineId: order.lineIds[0], quantity: 3 }] });
    expect(tooMany.userErrors).toEqual([{ field: ['input', 'lines', '0', 'quantity'], message: 'Only 2 of this line were bought.', code: 'QUANTITY_EXCEEDS_ORDERED' }]);
    await openComplaint(t, buyer!, order, { lines: [{ orderLineId: order.lineIds[0], quantity: 1 }] });
    const twice = await open(buyer!.token, { orderId: order.id });
    expect(twice.userErrors).toEqual([{ field: ['input', 'lines'], message: expect.stringContaining('already a complaint'), code: 'ALREADY_COMPLAINED' }]);
  });

  it('bounds and checks attachments and text', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const bad = await open(buyer!.token, {
      orderId: order.id,
      attachments: [
        { url: 'http://photos.example.com/a.jpg', contentType: 'image/jpeg' },
        { url: 'https://photos.example.com/a.exe', contentType: 'application/x-msdownload' },
        { url: `https://photos.example.com/${'a'.repeat(2100)}`, contentType: 'image/png' },
      ],
    });
    expect(bad.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.attachments.0.url', 'INVALID'],
      ['input.attachments.1.contentType', 'INVALID'],
      ['input.attachments.2.url', 'TOO_LONG'],
    ]);
    const many = await open(buyer!.token, { orderId: order.id, attachments: Array.from({ length: 11 }, () => ({ url: 'https://x.example.com/a.png', contentType: 'image/png' })) });
    expect(many.userErrors[0].code).toBe('LIMIT_EXCEEDED');
    const long = await open(buyer!.token, { orderId: order.id, description: 'x'.repeat(4001) });
    expect(long.userErrors[0]).toMatchObject({ field: ['input', 'description'], code: 'TOO_LONG' });
  });
});

describe('who sees and acts on a complaint', () => {
  it('keeps each complaint to its customer, its seller and the operator, by any ID', async () => {
    const [buyer, stranger] = await customers(t, 2);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    await t.data(POST, { input: { complaintId: complaint.id, body: 'Photos attached.' } }, buyer!.token);
    for (const token of [stranger!.token, rival.seller.key]) {
      expect((await t.data(COMPLAINT, { id: complaint.id }, token)).complaint).toBeNull();
      expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: complaint.id }, token)).node).toBeNull();
      const post = await t.data(POST, { input: { complaintId: complaint.id, body: 'Let me in' } }, token);
      expect(post.complaintMessagePost.userErrors).toEqual([{ field: ['input', 'complaintId'], message: 'Complaint not found.', code: 'NOT_FOUND' }]);
      const list = await t.data('{ complaints(first: 100) { nodes { id } } }', {}, token);
      expect(list.complaints.nodes).toEqual([]);
    }
    const foreignRefund = await t.data(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, rival.seller.key);
    expect(foreignRefund.complaintRefund.userErrors[0].code).toBe('NOT_FOUND');
    const foreignReject = await t.data(REJECT, { input: { complaintId: complaint.id, note: 'no' } }, rival.seller.key);
    expect(foreignReject.complaintReject.userErrors[0].code).toBe('NOT_FOUND');
    const byOrderId = await t.data(POST, { input: { complaintId: order.id, body: 'x' } }, buyer!.token);
    expect(byOrderId.complaintMessagePost.userErrors[0].code).toBe('INVALID_ID');

    const seen = await t.data(COMPLAINT, { id: complaint.id }, shop.seller.key);
    expect(seen.complaint.messages.nodes).toEqual([{ authorRole: 'CUSTOMER', body: 'Photos attached.' }]);
    const operatorPost = await t.data(POST, { input: { complaintId: complaint.id, body: 'The operator is watching.' } }, ADMIN_KEY);
    expect(operatorPost.complaintMessagePost.message.authorRole).toBe('OPERATOR');
    const customerRefund = await t.request(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, buyer!.token);
    expect(customerRefund.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets a seller key read with orders:read but act only with complaints:write', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    const key = await t.data(
      'mutation { sellerApiKeyCreate(input: { name: "reader", scopes: ["orders:read"] }) { secret userErrors { code } } }',
      {},
      shop.seller.key,
    );
    const reader: string = key.sellerApiKeyCreate.secret;
    expect((await t.data(COMPLAINT, { id: complaint.id }, reader)).complaint.state).toBe('OPEN');
    const post = await t.request(POST, { input: { complaintId: complaint.id, body: 'Hi' } }, reader);
    expect(post.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refund = await t.request(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, reader);
    expect(refund.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses invalid transitions with INVALID_STATE', async () => {
    const [buyer] = await customers(t, 1);
    const order = await buy(t, shop, buyer!);
    const complaint = await openComplaint(t, buyer!, order);
    const escalate = await t.data(`mutation ($input: ComplaintNoteInput!) { complaintEscalate(input: $input) { userErrors { code message } } }`, { input: { complaintId: complaint.id } }, buyer!.token);
    expect(escalate.complaintEscalate.userErrors).toEqual([{ code: 'INVALID_STATE', message: expect.stringContaining('OPEN') }]);
    await t.data(REJECT, { input: { complaintId: complaint.id, note: 'Not damaged by us.' } }, shop.seller.key);
    const afterReject = await t.data(POST, { input: { complaintId: complaint.id, body: 'Hello?' } }, shop.seller.key);
    expect(afterReject.complaintMessagePost.userErrors[0].code).toBe('INVALID_STATE');
    const refund = await t.data(REFUND, { input: { complaintId: complaint.id, idempotencyKey: randomUUID() } }, shop.seller.key);
    expect(refund.complaintRefund.userErrors[0].code).toBe('INVALID_STATE');
  });

  it('lists complaints for the operator by state, seller and overdue, with keyset pages', async () => {
    const own = await createSeller(t);
    const fresh = await openShop(t);
    const [buyer] = await customers(t, 1);
    const orders = [await buy(t, fresh, buyer!), await buy(t, fresh, buyer!), await buy(t, fresh, buyer!)];
    const opened: any[] = [];
    for (const o of orders) opened.push(await openComplaint(t, buyer!, o));
    const sellerId = fresh.seller.id;
    const page1 = await t.data('query ($s: ID) { complaints(first: 2, filter: { sellerId: $s, state: OPEN }) { nodes { id } pageInfo { hasNextPage endCursor } } }', { s: sellerId }, ADMIN_KEY);
    expect(page1.complaints.nodes.map((n: any) => n.id)).toEqual([opened[2].id, opened[1].id]);
    const page2 = await t.data('query ($s: ID, $a: String) { complaints(first: 2, after: $a, filter: { sellerId: $s, state: OPEN }) { nodes { id } } }', { s: sellerId, a: page1.complaints.pageInfo.endCursor }, ADMIN_KEY);
    expect(page2.complaints.nodes[0].id).toBe(opened[0].id);
    const none = await t.data('query ($s: ID) { complaints(first: 10, filter: { sellerId: $s, overdue: true }) { nodes { id } } }', { s: sellerId }, ADMIN_KEY);
    expect(none.complaints.nodes).toEqual([]);
    clock.advanceHours(49);
    const overdue = await t.data('query ($s: ID) { complaints(first: 10, filter: { sellerId: $s, overdue: true }) { nodes { id overdue } } }', { s: sellerId }, ADMIN_KEY);
    expect(overdue.complaints.nodes.map((n: any) => n.id)).toEqual(expect.arrayContaining(opened.map((c) => c.id)));
    const foreign = await t.request('query ($s: ID) { complaints(first: 10, filter: { sellerId: $s }) { nodes { id } } }', { s: sellerId }, own.key);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const big = await t.request('{ complaints(first: 101) { nodes { id } } }', {}, ADMIN_KEY);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
