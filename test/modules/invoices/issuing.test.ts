import { issueCreditNote } from '../../../src/modules/invoices';
import { issueInvoice } from './stored-order-invoice';
import { formatInvoiceNumber, invoiceNumberSql } from '../../../src/modules/invoices/invoice-numbering';
import { createSeller, type TestSeller } from '../../helpers/fixtures';
import { inTransaction } from '../../helpers/in-transaction';
import type { TxContext } from '../../../src/core/context';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { insertOrder, listingOf, signUp, type TestBuyer } from './order-rows';

let t: TestApp;
let seller: TestSeller;
let buyer: TestBuyer;
let shirt: string;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t, 'acme');
  buyer = await signUp(t);
  shirt = await listingOf(t, seller, 2420);
});
afterAll(() => t.stop());

const year = new Date().getFullYear();
const inTx = <T>(fn: (ctx: TxContext) => Promise<T>) => inTransaction(t, fn);
const invoiceOf = (orderId: string) => inTx((tx) => issueInvoice(tx, orderId));

async function sequences(sellerSlug: string, series = 'F'): Promise<number[]> {
  const rows: { sequence: number }[] = await t.app.dataSource.query(
    `SELECT i.sequence FROM invoice i JOIN seller s ON s.id = i.seller_id WHERE s.slug = $1 AND i.series = $2 ORDER BY i.sequence`,
    [sellerSlug, series],
  );
  return rows.map((r) => r.sequence);
}

describe('issuing invoices', () => {
  it('numbers a seller\'s invoices PREFIX-YEAR-000001 upwards, deriving the prefix from the slug', async () => {
    const first = await invoiceOf(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: shirt, quantity: 1 }] }));
    const second = await invoiceOf(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: shirt, quantity: 2 }] }));
    expect(first.number).toBe(`ACME-${year}-000001`);
    expect(second.number).toBe(`ACME-${year}-000002`);
  });

  it('numbers in SQL (checkout issues in one statement) exactly as formatInvoiceNumber: six digits at least, never cut', async () => {
    for (const sequence of [1, 42, 999_999, 1_000_000, 12_345_678]) {
      const [row]: { number: string }[] = await t.app.dataSource.query(`SELECT ${invoiceNumberSql('$1::text', '$2::int', '$3::int')} AS number`, ['ACME', year, sequence]);
      expect(row!.number).toBe(formatInvoiceNumber('ACME', 'F', year, sequence));
    }
  });

  it('returns the same invoice when asked again for the same order', async () => {
    const orderId = await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: shirt, quantity: 1 }] });
    const first = await invoiceOf(orderId);
    expect(await invoiceOf(orderId)).toEqual(first);
  });

  it('gives 300 concurrent checkouts of one seller the numbers 1..300, each once', async () => {
    const other = await createSeller(t);
    const listing = await listingOf(t, other, 1000);
    const orders: string[] = [];
    for (let i = 0; i < 300; i++) orders.push(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: listing, quantity: 1 }] }));
    const issued = await Promise.all(orders.map((id) => invoiceOf(id)));
    expect(new Set(issued.map((i) => i.number)).size).toBe(300);
    expect(await sequences(other.slug)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const [{ last }] = await t.app.dataSource.query(
      `SELECT c.last_number AS last FROM invoice_counter c JOIN seller s ON s.id = c.seller_id WHERE s.slug = $1 AND c.series = 'F' AND c.year = $2`,
      [other.slug, year],
    );
    expect(last).toBe(300);
  });

  it('leaves no gap when the issuing transaction rolls back', async () => {
    const other = await createSeller(t);
    const listing = await listingOf(t, other, 1000);
    const order = () => insertOrder(t, { customerId: buyer.id, lines: [{ listingId: listing, quantity: 1 }] });
    await invoiceOf(await order());
    const doomed = await order();
    await expect(
      inTx(async (tx) => {
        await issueInvoice(tx, doomed);
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    await invoiceOf(await order());
    expect(await sequences(other.slug)).toEqual([1, 2]);
    const [{ count }] = await t.app.dataSource.query('SELECT count(*)::int AS count FROM invoice WHERE order_id = $1', [doomed]);
    expect(count).toBe(0);
  });

  it('keeps a separate sequence per seller, even when two sellers share a prefix', async () => {
    const a = await createSeller(t);
    const b = await createSeller(t);
    await t.app.dataSource.query(`UPDATE seller SET invoice_prefix = 'SAME' WHERE slug = ANY($1)`, [[a.slug, b.slug]]);
    const [la, lb] = [await listingOf(t, a, 1000), await listingOf(t, b, 1000)];
    const na = await invoiceOf(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: la, quantity: 1 }] }));
    const nb = await invoiceOf(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: lb, quantity: 1 }] }));
    const na2 = await invoiceOf(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: la, quantity: 1 }] }));
    expect([na.number, nb.number, na2.number]).toEqual([`SAME-${year}-000001`, `SAME-${year}-000001`, `SAME-${year}-000002`]);
  });

  it('refuses to change or delete an issued invoice', async () => {
    const { id } = await invoiceOf(await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: shirt, quantity: 1 }] }));
    await expect(t.app.dataSource.query('UPDATE invoice SET gross = 1 WHERE id = $1', [id])).rejects.toThrow(/immutable/);
    await expect(t.app.dataSource.query('DELETE FROM invoice WHERE id = $1', [id])).rejects.toThrow(/immutable/);
  });

  it('records invoice.issued in the same transaction', async () => {
    const orderId = await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: shirt, quantity: 1 }] });
    const { id, number } = await invoiceOf(orderId);
    const events = await t.app.dataSource.query(`SELECT payload FROM outbox WHERE type = 'invoice.issued' AND payload->>'invoiceId' = $1`, [id]);
    expect(events).toEqual([{ payload: { invoiceId: id, orderId, sellerId: expect.any(String), number } }]);
  });
});

describe('VAT on the invoice', () => {
  let vendor: TestSeller;
  let book: string;
  let tshirt: string;
  let poems: string;
  beforeAll(async () => {
    vendor = await createSeller(t);
    await t.data(
      `mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { userErrors { field message } } }`,
      {
        input: {
          sellerId: vendor.id,
          invoicePrefix: 'LIB',
          address: { name: 'Libros S.L.', line1: 'Gran Vía 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
        },
      },
      ADMIN_KEY,
    );
    book = await listingOf(t, vendor, 2080, 'super_reduced', 'Don Quijote');
    tshirt = await listingOf(t, vendor, 2420, 'standard', 'T-shirt');
    poems = await listingOf(t, vendor, 1040, 'super_reduced', 'Poems');
  });

  async function invoice(country: string) {
    const orderId = await insertOrder(t, {
      customerId: buyer.id,
      country,
      shipping: 605,
      lines: [
        { listingId: book, quantity: 2 },
        { listingId: tshirt, quantity: 1 },
        { listingId: poems, quantity: 1 },
      ],
    });
    const { id } = await invoiceOf(orderId);
    const [row] = await t.app.dataSource.query('SELECT i.*, o.subtotal, o.shipping AS "orderShipping" FROM invoice i JOIN orders o ON o.id = i.order_id WHERE i.id = $1', [id]);
    return row;
  }

  it('taxes books at 4% and shirts at 21% in Spain, shipping at 21%, and adds up to the order total', async () => {
    const row = await invoice('ES');
    expect(row.number).toMatch(new RegExp(`^LIB-${year}-\\d{6}$`));
    expect(row.lines.map((l: any) => [l.description, l.quantity, l.unitPrice, l.vatRate, l.net, l.tax, l.gross])).toEqual([
      ['Don Quijote', 2, 2080, 400, 4000, 160, 4160],
      ['T-shirt', 1, 2420, 2100, 2000, 420, 2420],
      ['Poems', 1, 1040, 400, 1000, 40, 1040],
      ['Shipping', 1, 605, 2100, 500, 105, 605],
    ]);
    expect(row.lines[0].unitNetPrice).toBe(2000);
    expect([row.net, row.tax, row.gross]).toEqual([7500, 725, 8225]);
    expect(row.gross).toBe(row.subtotal + row.orderShipping);
    expect(row.issuer).toEqual({
      legalName: `${vendor.slug} S.L.`,
      taxId: 'B12345678',
      address: expect.objectContaining({ line1: 'Gran Vía 1', country: 'ES' }),
    });
    expect(row.buyer).toEqual({ name: 'Ana García', email: expect.stringMatching(/@example\.com$/), address: expect.objectContaining({ country: 'ES' }), vatNumber: null, locale: 'en' });
  });

  it("uses Germany's 7% and 19% for the same order shipped to Germany", async () => {
    const row = await invoice('DE');
    expect(row.lines.map((l: any) => [l.vatRate, l.net, l.tax, l.gross])).toEqual([
      [700, 3888, 272, 4160],
      [1900, 2034, 386, 2420],
      [700, 972, 68, 1040],
      [1900, 508, 97, 605],
    ]);
    expect([row.net, row.tax, row.gross]).toEqual([7402, 823, 8225]);
  });

  it('charges no VAT on an export to the United States', async () => {
    const row = await invoice('US');
    expect(row.lines.every((l: any) => l.vatRate === 0 && l.tax === 0)).toBe(true);
    expect([row.net, row.tax, row.gross]).toEqual([8225, 0, 8225]);
  });
});

describe('credit notes', () => {
  it('cancels an invoice with a negative credit note in its own series R, naming it and why', async () => {
    const other = await createSeller(t, 'bravo-books');
    const listing = await listingOf(t, other, 1210);
    const orderId = await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: listing, quantity: 3 }] });
    const invoice = await invoiceOf(orderId);
    await t.app.dataSource.query(`UPDATE orders SET state = 'cancelled' WHERE id = $1`, [orderId]);
    const note = await inTx((tx) => issueCreditNote(tx, orderId, { reason: 'Out of stock' }));
    expect(note.number).toBe(`BRAVOBOOKS-R-${year}-000001`);
    expect(invoice.number).toBe(`BRAVOBOOKS-${year}-000001`);
    const [row] = await t.app.dataSource.query('SELECT * FROM invoice WHERE id = $1', [note.id]);
    const [original] = await t.app.dataSource.query('SELECT * FROM invoice WHERE id = $1', [invoice.id]);
    expect(row).toMatchObject({ kind: 'credit_note', series: 'R', sequence: 1, corrects_invoice_id: invoice.id, reason: 'Out of stock' });
    expect([row.net, row.tax, row.gross]).toEqual([-original.net, -original.tax, -original.gross]);
    expect(row.lines.map((l: any) => l.gross)).toEqual(original.lines.map((l: any) => -l.gross));

    expect(await inTx((tx) => issueCreditNote(tx, orderId, { reason: 'again' }))).toEqual(note);
    const second = await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: listing, quantity: 1 }] });
    await invoiceOf(second);
    await t.app.dataSource.query(`UPDATE orders SET state = 'cancelled' WHERE id = $1`, [second]);
    expect((await inTx((tx) => issueCreditNote(tx, second, { reason: 'Buyer changed their mind' }))).number).toBe(`BRAVOBOOKS-R-${year}-000002`);
    expect(await sequences(other.slug, 'F')).toEqual([1, 2]);
  });

  it('is refused for an order that is not cancelled or has no invoice', async () => {
    const orderId = await insertOrder(t, { customerId: buyer.id, lines: [{ listingId: shirt, quantity: 1 }] });
    await expect(inTx((tx) => issueCreditNote(tx, orderId, { reason: 'x' }))).rejects.toThrow(/cancelled/);
    await t.app.dataSource.query(`UPDATE orders SET state = 'cancelled' WHERE id = $1`, [orderId]);
    await expect(inTx((tx) => issueCreditNote(tx, orderId, { reason: 'x' }))).rejects.toThrow(/no invoice/);
  });
});
