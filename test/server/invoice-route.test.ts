import { toGlobalId } from '../../src/core/global-id';
import { issueInvoice } from '../modules/invoices/stored-order-invoice';
import { capturedLog, type LogLine } from '../helpers/captured-log';
import { insertCustomers } from '../helpers/customers';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { inTransaction } from '../helpers/in-transaction';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { insertOrder, listingOf } from '../modules/invoices/order-rows';

let t: TestApp;
let log: LogLine[];
let acme: TestSeller;
let other: TestSeller;
let buyer: { token: string };
let stranger: { token: string };
let invoiceId: string;
beforeAll(async () => {
  const captured = capturedLog();
  log = captured.lines;
  t = await startTestApp({ env: 'production', logger: captured.logger });
  [acme, other] = [await createSeller(t), await createSeller(t)];
  const [ana, bob] = await insertCustomers(t, 2);
  [buyer, stranger] = [ana!, bob!];
  const orderId = await insertOrder(t, { customerId: ana!.id, lines: [{ listingId: await listingOf(t, acme, 1000), quantity: 1 }] });
  invoiceId = toGlobalId('Invoice', (await inTransaction(t, (ctx) => issueInvoice(ctx, orderId))).id);
});
beforeEach(() => {
  log.length = 0;
});
afterAll(() => t.stop());

const unexpected = () => log.filter((line) => line.msg === 'unexpected error');

const pdf = (token?: string, id = invoiceId, init: RequestInit = {}) =>
  fetch(new URL(`/invoices/${id}.pdf`, t.app.url), {
    ...init,
    headers: { 'x-request-id': 'req-pdf-1', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

async function answer(res: Response) {
  return { status: res.status, body: await res.json() };
}

describe('the error policy of GET /invoices/<id>.pdf', () => {
  it('answers 401 UNAUTHENTICATED without credentials or with bad ones', async () => {
    const none = await pdf();
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await answer(none)).toEqual({ status: 401, body: { error: expect.stringMatching(/Authorization: Bearer/), code: 'UNAUTHENTICATED' } });
    expect(await answer(await pdf('not-a-valid-token'))).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(unexpected()).toEqual([]);
  });

  it("answers 404 NOT_FOUND for a missing invoice, a malformed ID and someone else's invoice alike", async () => {
    const notFound = { status: 404, body: { error: 'Invoice not found.', code: 'NOT_FOUND' } };
    expect(await answer(await pdf(buyer.token, toGlobalId('Invoice', '00000000-0000-4000-8000-000000000000')))).toEqual(notFound);
    expect(await answer(await pdf(buyer.token, 'not-an-id'))).toEqual(notFound);
    expect(await answer(await pdf(stranger.token))).toEqual(notFound);
    expect(await answer(await pdf(other.key))).toEqual(notFound);
    expect(unexpected()).toEqual([]);
  });

  it('answers 405 BAD_REQUEST to a method other than GET', async () => {
    const res = await pdf(buyer.token, invoiceId, { method: 'POST' });
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await answer(res)).toEqual({ status: 405, body: { error: 'Use GET.', code: 'BAD_REQUEST' } });
  });

  it('masks an unexpected failure as a 500 in production and logs it with the request id', async () => {
    expect((await pdf(buyer.token)).status).toBe(200);
    // A failure the route can't foresee: the table it reads loses a column under it (this test's own database).
    await t.app.dataSource.query('ALTER TABLE invoice RENAME COLUMN lines TO lines_moved');
    try {
      expect(await answer(await pdf(buyer.token))).toEqual({ status: 500, body: { error: 'Unexpected error.', code: 'INTERNAL_SERVER_ERROR' } });
    } finally {
      await t.app.dataSource.query('ALTER TABLE invoice RENAME COLUMN lines_moved TO lines');
    }
    expect(unexpected()).toEqual([
      expect.objectContaining({ reqId: 'req-pdf-1', err: expect.objectContaining({ message: expect.stringMatching(/lines/) }) }),
    ]);
  });
});
