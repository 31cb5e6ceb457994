import { SELLER_ADDRESS } from '../../src/plugin-testing/sample-data';
import { ADMIN_KEY, type TestApp } from './test-app';

export { SELLER_ADDRESS, uuidOf } from '../../src/plugin-testing/sample-data';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export interface TestSeller {
  id: string;
  slug: string;
  key: string;
}


/** A seller registered by the operator, with its first API key and legal address. */
export async function createSeller(t: TestApp, slug = unique('seller')): Promise<TestSeller> {
  const data = await t.data(
    `mutation ($input: SellerCreateInput!) {
      sellerCreate(input: $input) { seller { id slug } apiKeySecret userErrors { field message code } }
    }`,
    { input: { slug, name: `Seller ${slug}`, legalName: `${slug} S.L.`, taxId: 'B12345678', address: SELLER_ADDRESS } },
    ADMIN_KEY,
  );
  expect(data.sellerCreate.userErrors).toEqual([]);
  return { id: data.sellerCreate.seller.id, slug, key: data.sellerCreate.apiKeySecret };
}

export async function createCategory(t: TestApp, parentId?: string, slug = unique('cat')): Promise<string> {
  const data = await t.data(
    `mutation ($input: CategoryCreateInput!) { categoryCreate(input: $input) { category { id } userErrors { message } } }`,
    { input: { slug, name: `Category ${slug}`, parentId } },
    ADMIN_KEY,
  );
  expect(data.categoryCreate.userErrors).toEqual([]);
  return data.categoryCreate.category.id;
}

export interface TestProduct {
  id: string;
  slug: string;
  variantIds: string[];
}

export async function createProduct(
  t: TestApp,
  key: string,
  input: Record<string, unknown> = {},
): Promise<TestProduct> {
  const data = await t.data(
    `mutation ($input: ProductCreateInput!) {
      productCreate(input: $input) { product { id slug variants { id } } userErrors { field message code } }
    }`,
    { input: { title: unique('Product'), ...input } },
    key,
  );
  expect(data.productCreate.userErrors).toEqual([]);
  const p = data.productCreate.product;
  return { id: p.id, slug: p.slug, variantIds: p.variants.map((v: { id: string }) => v.id) };
}

export async function createListing(
  t: TestApp,
  key: string,
  variantId: string,
  input: Record<string, unknown> = {},
): Promise<string> {
  const data = await t.data(
    `mutation ($input: ListingCreateInput!) {
      listingCreate(input: $input) { listing { id } userErrors { field message code } }
    }`,
    { input: { variantId, sku: unique('SKU'), price: { amount: 1000, currency: 'EUR' }, stock: 5, ...input } },
    key,
  );
  expect(data.listingCreate.userErrors).toEqual([]);
  return data.listingCreate.listing.id;
}
