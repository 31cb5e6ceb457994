import { toGlobalId } from '../../../src/core/global-id';
import { issueInvoice } from './stored-order-invoice';
import { insertCustomers } from '../../helpers/customers';
import { createSeller, type TestSeller } from '../../helpers/fixtures';
import { inTransaction } from '../../helpers/in-transaction';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { insertOrder, listingOf } from './order-rows';

let t: TestApp;
let acme: TestSeller;
let buyer: { id: string; token: string };
beforeAll(async () => {
  t = await startTestApp();
  acme = await createSeller(t);
  buyer = (await insertCustomers(t, 1))[0]!;
});
afterAll(() => t.stop());

async function newInvoice(customer = buyer): Promise<{ id: string; uuid: string }> {
  const orderId = await insertOrder(t, { customerId: customer.id, lines: [{ listingId: await listingOf(t, acme, 1990), quantity: 2 }] });
  const { id } = await inTransaction(t, (ctx) => issueInvoice(ctx, orderId));
  return { id: toGlobalId('Invoice', id), uuid: id };
}

const get = (id: string, headers: Record<string, string> = {}, method = 'GET', token = buyer.token) =>
  fetch(new URL(`/invoices/${id}.pdf`, t.app.url), { method, headers: { authorization: `Bearer ${token}`, ...headers } });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());
const renders = () => t.app.services.pdfRenderer.rendered;
const storedRows = async (uuid: string) =>
  (await t.app.dataSource.query('SELECT count(*)::int AS n FROM invoice_pdf WHERE invoice_id = $1', [uuid]))[0].n as number;

describe('invoice PDFs', () => {
  it('renders a PDF once, stores it and serves the same bytes again', async () => {
    const invoice = await newInvoice();
    const before = renders();
    const first = await get(invoice.id);
    const second = await get(invoice.id);
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = [await bytes(first), await bytes(second)];
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(b.equals(a)).toBe(true);
    expect(renders() - before).toBe(1);
    expect(await storedRows(invoice.uuid)).toBe(1);
    expect(first.headers.get('etag')).toMatch(/^"[\w-]{43}"$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(first.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
  });

  it('renders once for simultaneous first requests', async () => {
    const invoice = await newInvoice();
    const before = renders();
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(invoice.id).then(bytes)));
    for (const pdf of answers) expect(pdf.equals(answers[0]!)).toBe(true);
    expect(renders() - before).toBe(1);
    expect(await storedRows(invoice.uuid)).toBe(1);
  });

  it('renders the same invoice to the same bytes, so a lost row is rendered back identically', async () => {
    const invoice = await newInvoice();
    const original = await bytes(await get(invoice.id));
    await t.app.dataSource.query('DELETE FROM invoice_pdf WHERE invoice_id = $1', [invoice.uuid]);
    const before = renders();
    expect((await bytes(await get(invoice.id))).equals(original)).toBe(true);
    expect(renders() - before).toBe(1);
  });

  it('answers 304 to a matching If-None-Match and HEAD with the headers only', async () => {
    const invoice = await newInvoice();
    const first = await get(invoice.id);
    const etag = first.headers.get('etag')!;
    const length = (await bytes(first)).length;
    const cached = await get(invoice.id, { 'if-none-match': `"other", W/${etag}` });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect((await bytes(cached)).length).toBe(0);
    expect((await get(invoice.id, { 'if-none-match': '"other"' })).status).toBe(200);
    const head = await get(invoice.id, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(length);
  });

  it("drops the stored renderings with the customer's erasure", async () => {
    const leaving = (await insertCustomers(t, 1))[0]!;
    const invoice = await newInvoice(leaving);
    // Erasure waits for orders on their way: this one has arrived.
    await t.app.dataSource.query(`UPDATE orders SET state = 'delivered' WHERE customer_id = $1`, [leaving.id]);
    await get(invoice.id, {}, 'GET', leaving.token).then(bytes);
    expect(await storedRows(invoice.uuid)).toBe(1);
    const [{ email }] = await t.app.dataSource.query('SELECT email FROM customer WHERE id = $1', [leaving.id]);
    const erased = await t.data(
      `mutation ($input: CustomerEraseInput!) { customerErase(input: $input) { erased userErrors { code } } }`,
      { input: { confirmEmail: email } },
      leaving.token,
    );
    expect(erased.customerErase).toEqual({ erased: true, userErrors: [] });
    expect(await storedRows(invoice.uuid)).toBe(0);
  });
});
