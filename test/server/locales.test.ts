import { randomUUID } from 'node:crypto';
import { negotiateLocale } from '../../src/core/locale';
import { cartWith, insertCustomers, madrid, type TestCustomer } from '../helpers/customers';
import { createListing, createProduct, createSeller, type TestProduct, type TestSeller } from '../helpers/fixtures';
import { pdfTexts } from '../helpers/pdf-text';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Issue 13: es and en, from the customer's profile or Accept-Language: money, warnings, invoice PDFs and
// product content.

let t: TestApp;
let seller: TestSeller;
let product: TestProduct;
let listing: string;
beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  product = await createProduct(t, seller.key, { title: 'Camiseta', description: 'Algodón' });
  listing = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 423, currency: 'EUR' }, stock: 10 });
});
afterAll(() => t.stop());

async function ask(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}, token?: string) {
  const res = await fetch(t.app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}
const PRICE = 'query ($id: ID!) { node(id: $id) { ... on Listing { price { amount formatted } } } }';
const priceIn = async (headers: Record<string, string>, token?: string) => (await ask(PRICE, { id: listing }, headers, token)).node.price.formatted;

describe('Accept-Language', () => {
  it('picks the best supported language by q, ignoring unsupported and refused ones, within bounds', () => {
    expect(negotiateLocale('es-ES,es;q=0.9,en;q=0.8')).toBe('es');
    expect(negotiateLocale('fr-FR, en;q=0.5, es;q=0.7')).toBe('es');
    expect(negotiateLocale('es;q=0, en-GB')).toBe('en');
    expect(negotiateLocale('de, fr')).toBeNull();
    expect(negotiateLocale(undefined)).toBeNull();
    expect(negotiateLocale(`${'x;q=0.1,'.repeat(5000)}es`)).toBeNull();
  });
});

describe('Money.formatted', () => {
  it('is "4,23 €" in Spanish and "€4.23" in English or by default, for a guest by Accept-Language', async () => {
    expect(await priceIn({ 'accept-language': 'es-ES,es;q=0.9' })).toBe('4,23\u00a0€');
    expect(await priceIn({ 'accept-language': 'en-US' })).toBe('€4.23');
    expect(await priceIn({})).toBe('€4.23');
    expect(await priceIn({ 'accept-language': 'ja' })).toBe('€4.23');
  });

  it("follows a customer's profile over Accept-Language", async () => {
    const [buyer] = await insertCustomers(t, 1);
    await ask('mutation { customerUpdate(input: { locale: "es" }) { userErrors { code } } }', {}, {}, buyer!.token);
    expect(await priceIn({ 'accept-language': 'en' }, buyer!.token)).toBe('4,23\u00a0€');
    await ask('mutation { customerUpdate(input: { locale: "en-GB" }) { userErrors { code } } }', {}, {}, buyer!.token);
    expect(await priceIn({ 'accept-language': 'es' }, buyer!.token)).toBe('€4.23');
  });
});

describe('cart warnings', () => {
  it("speak the customer's language, with amounts formatted for it", async () => {
    const [buyer] = await insertCustomers(t, 1);
    const p = await createProduct(t, seller.key, { title: 'Lámpara' });
    const lamp = await createListing(t, seller.key, p.variantIds[0]!, { price: { amount: 1000, currency: 'EUR' }, stock: 10 });
    const cartId = await cartWith(t, buyer!.token, [{ listingId: lamp, quantity: 1 }]);
    await t.data('mutation ($input: ListingUpdateInput!) { listingUpdate(input: $input) { userErrors { code } } }', { input: { id: lamp, price: { amount: 1250, currency: 'EUR' } } }, seller.key);
    const CART = 'query ($id: ID!) { cart(id: $id) { warnings { code message } } }';
    await ask('mutation { customerUpdate(input: { locale: "es" }) { userErrors { code } } }', {}, {}, buyer!.token);
    expect((await ask(CART, { id: cartId }, {}, buyer!.token)).cart.warnings).toEqual([
      { code: 'PRICE_CHANGED', message: 'El precio de Lámpara ha cambiado de 10,00\u00a0€ a 12,50\u00a0€.' },
    ]);
    await ask('mutation { customerUpdate(input: { locale: "en" }) { userErrors { code } } }', {}, {}, buyer!.token);
    expect((await ask(CART, { id: cartId }, {}, buyer!.token)).cart.warnings).toEqual([
      { code: 'PRICE_CHANGED', message: 'The price of Lámpara changed from €10.00 to €12.50.' },
    ]);
  });
});

describe('invoice PDFs', () => {
  it("carry the legal labels, dates and amounts in the buyer's language as it was when issued", async () => {
    const [ana, john] = await insertCustomers(t, 2);
    await ask('mutation { customerUpdate(input: { locale: "es" }) { userErrors { code } } }', {}, {}, ana!.token);
    const texts: Record<string, string> = {};
    for (const [name, buyer] of [['ana', ana!], ['john', john!]] as [string, TestCustomer][]) {
      const cartId = await cartWith(t, buyer.token, [{ listingId: listing, quantity: 2 }]);
      const res = await t.data(
        'mutation ($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) { checkout { orders { invoice { pdfUrl } } } userErrors { code } } }',
        { input: { cartId, shippingAddress: madrid, paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
        buyer.token,
      );
      const pdfUrl = res.checkoutComplete.checkout.orders[0].invoice.pdfUrl;
      const pdf = await fetch(new URL(pdfUrl, t.app.url), { headers: { authorization: `Bearer ${buyer.token}` } });
      texts[name] = pdfTexts(Buffer.from(await pdf.arrayBuffer())).join('\n');
    }
    const month = (locale: string) => new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'Europe/Madrid' }).format(new Date());
    expect(texts['ana']).toEqual(expect.stringContaining('FACTURA'));
    for (const label of ['Vendedor', 'Comprador', 'Base imponible al 21%', 'Total IVA', 'Envío', '8,46', month('es-ES')]) expect([label, texts['ana']!.includes(label)]).toEqual([label, true]);
    for (const label of ['INVOICE', 'Seller', 'Buyer', 'Taxable amount at 21%', 'Total VAT', 'Shipping', '€8.46', month('en-GB')]) expect([label, texts['john']!.includes(label)]).toEqual([label, true]);
    expect(texts['ana']).not.toContain('Seller');
  });
});

describe('product content in several languages', () => {
  const SET = `mutation ($input: ProductTranslationsSetInput!) {
    productTranslationsSet(input: $input) { product { id } userErrors { field message code } }
  }`;
  const TITLES = 'query ($id: ID!) { node(id: $id) { ... on Product { title description es: title(locale: "es") en: title(locale: "en") } } }';

  it('shows the translation of the reader’s language, falling back to the product’s own content', async () => {
    const set = await t.data(SET, { input: { productId: product.id, translations: [{ locale: 'en', title: 'T-shirt', description: 'Cotton' }] } }, seller.key);
    expect(set.productTranslationsSet.userErrors).toEqual([]);
    expect((await ask(TITLES, { id: product.id }, { 'accept-language': 'en' })).node).toEqual({ title: 'T-shirt', description: 'Cotton', es: 'Camiseta', en: 'T-shirt' });
    expect((await ask(TITLES, { id: product.id }, { 'accept-language': 'es' })).node).toEqual({ title: 'Camiseta', description: 'Algodón', es: 'Camiseta', en: 'T-shirt' });
    const list = await ask('{ products(first: 20) { nodes { id title } } }', {}, { 'accept-language': 'en' });
    expect(list.products.nodes.find((n: { id: string }) => n.id === product.id).title).toBe('T-shirt');
    const removed = await t.data(SET, { input: { productId: product.id, translations: [], remove: ['en'] } }, seller.key);
    expect(removed.productTranslationsSet.userErrors).toEqual([]);
    expect((await ask(TITLES, { id: product.id }, { 'accept-language': 'en' })).node.title).toBe('Camiseta');
  });

  it('is set only by the product’s creator, one translation per supported language, within bounds', async () => {
    const other = await createSeller(t);
    const stranger = await t.data(SET, { input: { productId: product.id, translations: [{ locale: 'en', title: 'Hijacked' }] } }, other.key);
    expect(stranger.productTranslationsSet.userErrors).toEqual([{ field: ['input', 'productId'], message: expect.any(String), code: 'FORBIDDEN' }]);
    const bad = await t.data(
      SET,
      { input: { productId: product.id, translations: [{ locale: 'fr', title: 'Chemise' }, { locale: 'EN', title: 'x'.repeat(201) }] } },
      seller.key,
    );
    expect(bad.productTranslationsSet.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual([
      'input.translations.0.locale',
      'input.translations.1.locale',
      'input.translations.1.title',
    ]);
    const twice = await t.data(SET, { input: { productId: product.id, translations: [{ locale: 'en', title: 'A' }, { locale: 'en', title: 'B' }] } }, seller.key);
    expect(twice.productTranslationsSet.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.translations.1.locale']);
    const many = await t.data(SET, { input: { productId: product.id, translations: Array.from({ length: 50 }, () => ({ locale: 'en', title: 'A' })) } }, seller.key);
    expect(many.productTranslationsSet.userErrors).toEqual([{ field: ['input', 'translations'], message: expect.any(String), code: 'TOO_LONG' }]);
    expect((await ask(TITLES, { id: product.id }, { 'accept-language': 'en' })).node.en).toBe('Camiseta');
  });
});
