import { randomUUID } from 'node:crypto';
import { berlin, cartWith, insertCustomers, madrid, type TestCustomer } from '../../helpers/customers';
import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, SELLER_ADDRESS, type TestSeller } from '../../helpers/fixtures';
import { pdfTexts } from '../../helpers/pdf-text';

// Issue 13: sellers record their legal address (required before the first sale); a business buyer records
// its VAT number, printed on its invoices; an intra-EU sale to it is reverse-charged (VAT 0, legal mention).

let t: TestApp;
let seller: TestSeller;
let shirt: string;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t, 'tienda');
  const product = await createProduct(t, seller.key);
  shirt = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 2420, currency: 'EUR' }, stock: 50 });
});
afterAll(() => t.stop());

const BUY = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) {
    checkout { orders { id tax { amount } total { amount } invoice { id reverseCharge tax { amount } gross { amount } issuer { address { city country } }
      buyer { vatNumber } lines { vatRate tax { amount } net { amount } } pdfUrl } } }
    userErrors { field message code }
  }
}`;
const UPDATE = 'mutation ($input: CustomerUpdateInput!) { customerUpdate(input: $input) { customer { vatNumber } userErrors { field message code } } }';

async function buy(buyer: TestCustomer, listingId: string, shippingAddress = madrid) {
  const cartId = await cartWith(t, buyer.token, [{ listingId, quantity: 1 }]);
  const res = await t.data(BUY, { input: { cartId, shippingAddress, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } }, buyer.token);
  return { buyNow: res.checkoutComplete };
}
const pdfText = async (buyer: TestCustomer, pdfUrl: string) =>
  pdfTexts(Buffer.from(await (await fetch(new URL(pdfUrl, t.app.url), { headers: { authorization: `Bearer ${buyer.token}` } })).arrayBuffer())).join('\n');

describe("a seller's legal address", () => {
  it('is recorded by sellerCreate and shown on the seller and its invoices', async () => {
    const data = await t.data('query ($slug: String!) { seller(slug: $slug) { legalName taxId address { line1 city postalCode country } } }', { slug: 'tienda' });
    expect(data.seller).toEqual({ legalName: 'tienda S.L.', taxId: 'B12345678', address: { line1: SELLER_ADDRESS.line1, city: 'Madrid', postalCode: '28013', country: 'ES' } });
  });

  it('is required before the first sale: checkout refuses the listings of a seller without one, with a clear userError', async () => {
    const created = await t.data(
      'mutation ($input: SellerCreateInput!) { sellerCreate(input: $input) { seller { id } apiKeySecret userErrors { code } } }',
      { input: { slug: `noaddr-${randomUUID().slice(0, 8)}`, name: 'Sin Dirección' } },
      ADMIN_KEY,
    );
    const key = created.sellerCreate.apiKeySecret;
    const product = await createProduct(t, key);
    const listing = await createListing(t, key, product.variantIds[0]!, { price: { amount: 1000, currency: 'EUR' }, stock: 3 });
    const [buyer] = await insertCustomers(t, 1);
    const refused = await buy(buyer!, listing);
    expect(refused.buyNow).toEqual({
      checkout: null,
      userErrors: [{ field: ['input', 'cartId', 'lines', '0'], message: 'Sin Dirección cannot sell yet: it has not recorded its legal address.', code: 'SELLER_ADDRESS_MISSING' }],
    });
    expect(await stockOf(listing)).toBe(3);
    // Once it records one, the same purchase goes through.
    const updated = await t.data('mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { userErrors { code } } }', { input: { address: SELLER_ADDRESS } }, key);
    expect(updated.sellerUpdate.userErrors).toEqual([]);
    expect((await buy(buyer!, listing)).buyNow.userErrors).toEqual([]);
  });

  it('refuses a malformed address at sellerCreate', async () => {
    const res = await t.data(
      'mutation ($input: SellerCreateInput!) { sellerCreate(input: $input) { seller { id } userErrors { field code } } }',
      { input: { slug: `bad-${randomUUID().slice(0, 8)}`, name: 'Bad', address: { ...SELLER_ADDRESS, country: 'XX', city: 'x'.repeat(500) } } },
      ADMIN_KEY,
    );
    expect(res.sellerCreate.seller).toBeNull();
    expect(res.sellerCreate.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.address.city', 'input.address.country']);
  });
});

const stockOf = async (listingId: string) => (await t.data('query ($id: ID!) { node(id: $id) { ... on Listing { stock } } }', { id: listingId })).node.stock;

describe("a business buyer's VAT number", () => {
  it('is recorded normalised, cleared with an empty string, and a malformed or overlong one is refused', async () => {
    const [buyer] = await insertCustomers(t, 1);
    const set = await t.data(UPDATE, { input: { vatNumber: 'de 123.456-789' } }, buyer!.token);
    expect(set.customerUpdate).toEqual({ customer: { vatNumber: 'DE123456789' }, userErrors: [] });
    for (const bad of ['DE12345678', 'XX123456789', 'ES', 'GR123456789', '1'.repeat(21)]) {
      const res = await t.data(UPDATE, { input: { vatNumber: bad } }, buyer!.token);
      expect([bad, res.customerUpdate.userErrors.map((e: { field: string[] }) => e.field.join('.'))]).toEqual([bad, ['input.vatNumber']]);
    }
    expect((await t.data('{ viewer { vatNumber } }', {}, buyer!.token)).viewer.vatNumber).toBe('DE123456789');
    expect((await t.data(UPDATE, { input: { vatNumber: '' } }, buyer!.token)).customerUpdate.customer.vatNumber).toBeNull();
  });

  it('reverse-charges an intra-EU sale to a business: VAT 0 on the order and the invoice, both VAT numbers and the legal mention on the PDF', async () => {
    const [buyer] = await insertCustomers(t, 1);
    await t.data(UPDATE, { input: { vatNumber: 'DE123456789' } }, buyer!.token);
    const res = await buy(buyer!, shirt, berlin);
    expect(res.buyNow.userErrors).toEqual([]);
    const [order] = res.buyNow.checkout.orders;
    expect(order.tax.amount).toBe(0);
    expect(order.invoice).toMatchObject({
      reverseCharge: true,
      tax: { amount: 0 },
      gross: { amount: order.total.amount },
      buyer: { vatNumber: 'DE123456789' },
      issuer: { address: { city: 'Madrid', country: 'ES' } },
    });
    for (const line of order.invoice.lines) expect(line).toMatchObject({ vatRate: 0, tax: { amount: 0 } });
    const text = await pdfText(buyer!, order.invoice.pdfUrl);
    expect(text).toContain('DE123456789');
    expect(text).toContain('B12345678');
    expect(text).toContain('Reverse charge');
    expect(text).toContain('Gran Vía 1');
  });

  it('is not reverse-charged: a consumer in Germany, a business in the seller’s own country, or a business with goods staying in Spain', async () => {
    const [consumer, spanish, german] = await insertCustomers(t, 3);
    await t.data(UPDATE, { input: { vatNumber: 'ESB12345674' } }, spanish!.token);
    await t.data(UPDATE, { input: { vatNumber: 'DE123456789' } }, german!.token);
    const cases: [TestCustomer, typeof madrid, number][] = [
      [consumer!, berlin, 1900],
      [spanish!, madrid, 2100],
      [german!, madrid, 2100],
    ];
    for (const [buyer, address, rate] of cases) {
      const [order] = (await buy(buyer, shirt, address)).buyNow.checkout.orders;
      expect(order.invoice.reverseCharge).toBe(false);
      expect(order.invoice.lines[0].vatRate).toBe(rate / 100);
      expect(order.tax.amount).toBeGreaterThan(0);
      expect(await pdfText(buyer, order.invoice.pdfUrl)).not.toContain('Reverse charge');
    }
  });

  it('prints the VAT number on a domestic business invoice too, and the credit note of a reverse-charged sale stays reverse-charged', async () => {
    const [spanish, german] = await insertCustomers(t, 2);
    await t.data(UPDATE, { input: { vatNumber: 'ESB12345674' } }, spanish!.token);
    const [domestic] = (await buy(spanish!, shirt, madrid)).buyNow.checkout.orders;
    expect(domestic.invoice.buyer.vatNumber).toBe('ESB12345674');
    expect(await pdfText(spanish!, domestic.invoice.pdfUrl)).toContain('ESB12345674');

    await t.data(UPDATE, { input: { vatNumber: 'DE123456789' } }, german!.token);
    const orderId = (await buy(german!, shirt, berlin)).buyNow.checkout.orders[0].id;
    const cancelled = await t.data(
      'mutation ($input: OrderCancelInput!) { orderCancel(input: $input) { order { id } userErrors { code message } } }',
      { input: { id: orderId, reason: 'Changed my mind' } },
      german!.token,
    );
    expect(cancelled.orderCancel.userErrors).toEqual([]);
    const notes = await t.data('{ viewer { invoices(first: 5) { nodes { kind reverseCharge tax { amount } buyer { vatNumber } } } } }', {}, german!.token);
    const note = notes.viewer.invoices.nodes.find((n: { kind: string }) => n.kind === 'CREDIT_NOTE');
    expect(note).toEqual({ kind: 'CREDIT_NOTE', reverseCharge: true, tax: { amount: 0 }, buyer: { vatNumber: 'DE123456789' } });
  });
});
