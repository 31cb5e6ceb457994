import { issueCreditNote } from '../../../src/modules/invoices';
import { issueInvoice } from './stored-order-invoice';
import { toGlobalId } from '../../../src/core/global-id';
import { inTransaction } from '../../helpers/in-transaction';
import { createSeller, type TestSeller } from '../../helpers/fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { insertOrder, listingOf, signUp, type TestBuyer } from './order-rows';

let t: TestApp;
let acme: TestSeller;
let other: TestSeller;
let ana: TestBuyer;
let bob: TestBuyer;
let invoiceId: string;
let invoiceNumber: string;
beforeAll(async () => {
  t = await startTestApp();
  acme = await createSeller(t, 'acme');
  other = await createSeller(t, 'other');
  ana = await signUp(t, 'Ana García');
  bob = await signUp(t, 'Bob Smith');
  const listing = await listingOf(t, acme, 2420, 'standard', 'T-shirt');
  const orderId = await insertOrder(t, { customerId: ana.id, lines: [{ listingId: listing, quantity: 2 }], shipping: 605 });
  const issued = await inTransaction(t, (ctx) => issueInvoice(ctx, orderId));
  invoiceId = toGlobalId('Invoice', issued.id);
  invoiceNumber = issued.number;
});
afterAll(() => t.stop());

const year = new Date().getFullYear();
const INVOICE = `query ($id: ID!) {
  invoice(id: $id) {
    id number kind issuedAt pdfUrl reason
    issuer { legalName taxId address { city } }
    buyer { name email address { country } }
    lines { description sku quantity unitPrice { amount } unitNetPrice { amount } vatRate net { amount } tax { amount } gross { amount } }
    taxBreakdown { vatRate net { amount } tax { amount } }
    net { amount currency } tax { amount } gross { amount formatted }
    correctedInvoice { number }
  }
}`;

async function invoiceAs(token: string | undefined, id = invoiceId) {
  return (await t.data(INVOICE, { id }, token)).invoice;
}

async function newInvoice(seller: TestSeller, buyer: TestBuyer): Promise<{ orderId: string; id: string; number: string }> {
  const listing = await listingOf(t, seller, 1000);
  const orderId = await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: listing, quantity: 1 }] });
  const issued = await inTransaction(t, (ctx) => issueInvoice(ctx, orderId));
  return { orderId, id: toGlobalId('Invoice', issued.id), number: issued.number };
}

describe('invoice(id:)', () => {
  it('shows the invoice to its buyer, with the parties, the lines, the VAT and the totals', async () => {
    const invoice = await invoiceAs(ana.token);
    expect(invoice).toMatchObject({
      id: invoiceId,
      number: `ACME-${year}-000001`,
      kind: 'INVOICE',
      pdfUrl: `/invoices/${invoiceId}.pdf`,
      reason: null,
      issuer: { legalName: 'acme S.L.', taxId: 'B12345678', address: { city: 'Madrid' } },
      buyer: { name: 'Ana García', email: expect.stringMatching(/@example\.com$/), address: { country: 'ES' } },
      lines: [
        {
          description: 'T-shirt',
          sku: expect.any(String),
          quantity: 2,
          unitPrice: { amount: 2420 },
          unitNetPrice: { amount: 2000 },
          vatRate: 21,
          net: { amount: 4000 },
          tax: { amount: 840 },
          gross: { amount: 4840 },
        },
        { description: 'Shipping', sku: null, quantity: 1, vatRate: 21, net: { amount: 500 }, tax: { amount: 105 }, gross: { amount: 605 } },
      ],
      taxBreakdown: [{ vatRate: 21, net: { amount: 4500 }, tax: { amount: 945 } }],
      net: { amount: 4500, currency: 'EUR' },
      tax: { amount: 945 },
      gross: { amount: 5445, formatted: '€54.45' },
      correctedInvoice: null,
    });
  });

  it('shows it to the seller that issued it and to the operator, and through node(id:)', async () => {
    expect((await invoiceAs(acme.key)).number).toBe(invoiceNumber);
    expect((await invoiceAs(ADMIN_KEY)).number).toBe(invoiceNumber);
    const node = await t.data('query ($id: ID!) { node(id: $id) { ... on Invoice { number } } }', { id: invoiceId }, ana.token);
    expect(node.node).toEqual({ number: invoiceNumber });
  });

  it('is null for another customer, another seller and a guest, exactly like a missing invoice', async () => {
    expect(await invoiceAs(bob.token)).toBeNull();
    expect(await invoiceAs(other.key)).toBeNull();
    expect(await invoiceAs(undefined)).toBeNull();
    expect(await invoiceAs(ana.token, toGlobalId('Invoice', '00000000-0000-4000-8000-000000000000'))).toBeNull();
    const node = await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: invoiceId }, bob.token);
    expect(node.node).toBeNull();
  });

  it('rejects an ID of another type as bad input', async () => {
    const res = await t.request(INVOICE, { id: toGlobalId('Order', '00000000-0000-4000-8000-000000000000') }, ana.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('lists', () => {
  it("pages a customer's invoices newest first, from every seller, and only theirs", async () => {
    const older = await newInvoice(other, ana);
    const newer = await newInvoice(acme, ana);
    await newInvoice(acme, bob);
    const QUERY = `query ($after: String) { viewer { invoices(first: 2, after: $after) {
      nodes { number } pageInfo { hasNextPage endCursor } } } }`;
    const first = (await t.data(QUERY, {}, ana.token)).viewer.invoices;
    expect(first.nodes.map((n: any) => n.number)).toEqual([newer.number, older.number]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await t.data(QUERY, { after: first.pageInfo.endCursor }, ana.token)).viewer.invoices;
    expect(second.nodes.map((n: any) => n.number)).toEqual([invoiceNumber]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('lists a seller its own invoices, by year, and the operator those of the seller it names', async () => {
    const QUERY = `query ($year: Int, $sellerId: ID, $after: String) { sellerInvoices(first: 100, year: $year, sellerId: $sellerId, after: $after) {
      nodes { number issuer { legalName } } pageInfo { hasNextPage } } }`;
    const own = (await t.data(QUERY, {}, other.key)).sellerInvoices.nodes;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((n: any) => n.number.startsWith('OTHER-') && n.issuer.legalName === 'other S.L.')).toBe(true);
    expect((await t.data(QUERY, { year }, other.key)).sellerInvoices.nodes).toEqual(own);
    expect((await t.data(QUERY, { year: year - 1 }, other.key)).sellerInvoices.nodes).toEqual([]);
    expect((await t.data(QUERY, { sellerId: other.id }, ADMIN_KEY)).sellerInvoices.nodes).toEqual(own);

    const asOther = await t.request(QUERY, { sellerId: acme.id }, other.key);
    expect(asOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(QUERY, {}, ana.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.request(QUERY, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.request(QUERY, { after: 'nonsense' }, other.key)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('walks a seller\'s invoices page by page without losing or repeating one', async () => {
    const shop = await createSeller(t);
    for (let i = 0; i < 7; i++) await newInvoice(shop, bob);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (
        await t.data(
          'query ($after: String) { sellerInvoices(first: 3, after: $after) { nodes { number } pageInfo { hasNextPage endCursor } } }',
          { after },
          shop.key,
        )
      ).sellerInvoices;
      seen.push(...page.nodes.map((n: any) => n.number));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `${shop.slug.replace(/[^a-z0-9]/g, '').toUpperCase().slice(0, 10)}-${year}-00000${7 - i}`));
  });
});

describe('credit notes', () => {
  it('shows a credit note with negative amounts, the invoice it corrects and why', async () => {
    const { orderId, number } = await newInvoice(acme, ana);
    await t.app.dataSource.query(`UPDATE orders SET state = 'cancelled' WHERE id = $1`, [orderId]);
    const note = await inTransaction(t, (ctx) => issueCreditNote(ctx, orderId, { reason: 'Cancelled by the buyer' }));
    const shown = await invoiceAs(ana.token, toGlobalId('Invoice', note.id));
    expect(shown).toMatchObject({
      number: `ACME-R-${year}-000001`,
      kind: 'CREDIT_NOTE',
      reason: 'Cancelled by the buyer',
      correctedInvoice: { number },
      gross: { amount: -1000 - 499 },
    });
    expect(shown.lines.map((l: any) => l.gross.amount)).toEqual([-1000, -499]);
  });
});

describe('GET /invoices/:id.pdf', () => {
  const pdf = (token?: string, id = invoiceId) =>
    fetch(new URL(`/invoices/${id}.pdf`, t.app.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('sends the PDF to the buyer, the seller and the operator', async () => {
    for (const token of [ana.token, acme.key, ADMIN_KEY]) {
      const res = await pdf(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="${invoiceNumber}.pdf"`);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(body.length).toBeGreaterThan(1000);
    }
  });

  it('answers 404 to anyone else, as for a missing or malformed ID, never 403', async () => {
    expect((await pdf(bob.token)).status).toBe(404);
    expect((await pdf(other.key)).status).toBe(404);
    expect((await pdf(ana.token, toGlobalId('Invoice', '00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await pdf(ana.token, toGlobalId('Order', '00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await pdf(ana.token, 'not-an-id')).status).toBe(404);
  });

  it('answers 401 without credentials or with bad ones', async () => {
    const none = await pdf();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await pdf('not-a-valid-token')).status).toBe(401);
  });

  it('renders a credit note and an export', async () => {
    const listing = await listingOf(t, acme, 1000, 'reduced', 'Café molido — 250 g');
    const orderId = await insertOrder(t, { customerId: ana.id, country: 'US', lines: [{ listingId: listing, quantity: 3 }] });
    await inTransaction(t, (ctx) => issueInvoice(ctx, orderId));
    await t.app.dataSource.query(`UPDATE orders SET state = 'cancelled' WHERE id = $1`, [orderId]);
    const note = await inTransaction(t, (ctx) => issueCreditNote(ctx, orderId, { reason: 'Lost in transit' }));
    const res = await pdf(ana.token, toGlobalId('Invoice', note.id));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('%PDF');
  });
});
