import { randomUUID } from 'node:crypto';
import type { AddressData } from '../../../src/core/address';
import { idOf } from '../../../src/core/global-id';
import type { TaxClass } from '../../../src/modules/invoices';
import { createCategory, createListing, createProduct, type TestSeller } from '../../helpers/fixtures';
import type { TestApp } from '../../helpers/test-app';

export const shipTo = (country: string): AddressData => ({
  name: 'Ana García',
  line1: 'Calle Mayor 1',
  line2: null,
  city: 'Madrid',
  region: null,
  postalCode: '28013',
  country,
  phone: null,
});

export interface TestBuyer {
  /** uuid */
  id: string;
  globalId: string;
  token: string;
}

/** A customer signed up through the API. */
export async function signUp(t: TestApp, name = 'Ana García'): Promise<TestBuyer> {
  const data = await t.data(
    `mutation ($input: CustomerSignUpInput!) {
      customerSignUp(input: $input) { customer { id } customerAccessToken { accessToken } userErrors { message } }
    }`,
    { input: { email: `${randomUUID()}@example.com`, password: 'correct horse battery', name } },
  );
  expect(data.customerSignUp.userErrors).toEqual([]);
  const globalId: string = data.customerSignUp.customer.id;
  return { id: idOf(globalId, 'Customer')!, globalId, token: data.customerSignUp.customerAccessToken.accessToken };
}

/** A listing (uuid) of the seller, priced `price` cents VAT included, of a product in a category of `taxClass`. */
export async function listingOf(t: TestApp, seller: TestSeller, price: number, taxClass: TaxClass = 'standard', title?: string): Promise<string> {
  const categoryId = await createCategory(t);
  await t.app.dataSource.query('UPDATE category SET tax_class = $2 WHERE id = $1', [idOf(categoryId, 'Category'), taxClass]);
  const product = await createProduct(t, seller.key, { categoryId, ...(title ? { title } : {}) });
  const listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock: 100_000 });
  return idOf(listingId, 'Listing')!;
}

export interface OrderSpec {
  customerId: string;
  lines: { listingId: string; quantity: number }[];
  shipping?: number;
  country?: string;
  state?: 'placed' | 'paid' | 'cancelled';
}

/**
 * An order as checkout writes it (checkout, orders, order_line), straight into the database; all lines
 * must be of one seller. Returns the order's uuid.
 */
export async function insertOrder(t: TestApp, { customerId, lines, shipping = 499, country = 'ES', state = 'paid' }: OrderSpec): Promise<string> {
  const db = t.app.dataSource;
  const listings: { id: string; sellerId: string; productId: string; variantId: string; title: string; variantTitle: string; sku: string; price: number; taxClass: TaxClass }[] =
    await db.query(
      `SELECT l.id, l.seller_id AS "sellerId", l.product_id AS "productId", l.variant_id AS "variantId", p.title, v.title AS "variantTitle",
              l.sku, l.price, coalesce(c.tax_class, 'standard') AS "taxClass"
         FROM listing l JOIN product p ON p.id = l.product_id JOIN product_variant v ON v.id = l.variant_id
         LEFT JOIN category c ON c.id = p.category_id
        WHERE l.id = ANY($1)`,
      [lines.map((l) => l.listingId)],
    );
  const priced = lines.map((line) => {
    const listing = listings.find((l) => l.id === line.listingId)!;
    return { ...listing, quantity: line.quantity, total: listing.price * line.quantity };
  });
  const subtotal = priced.reduce((sum, l) => sum + l.total, 0);
  const [{ id: checkoutId }] = await db.query(
    `INSERT INTO checkout (customer_id, idempotency_key, request_hash, total, currency) VALUES ($1, $2, 'test', $3, 'EUR') RETURNING id`,
    [customerId, randomUUID(), subtotal + shipping],
  );
  const [{ id: orderId }] = await db.query(
    `INSERT INTO orders (checkout_id, seller_id, customer_id, state, currency, subtotal, shipping, tax, total, shipping_address)
     VALUES ($1, $2, $3, $4, 'EUR', $5, $6, 0, $7, $8) RETURNING id`,
    [checkoutId, priced[0]!.sellerId, customerId, state, subtotal, shipping, subtotal + shipping, JSON.stringify(shipTo(country))],
  );
  for (const [position, l] of priced.entries()) {
    await db.query(
      `INSERT INTO order_line (order_id, listing_id, product_id, variant_id, title, variant_title, sku, quantity, unit_price, total, tax_class, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [orderId, l.id, l.productId, l.variantId, l.title, l.variantTitle, l.sku, l.quantity, l.price, l.total, l.taxClass, position],
    );
  }
  return orderId;
}
