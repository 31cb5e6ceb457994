import type { TestApp } from '../../helpers/test-app';
import { createListing, createProduct, type TestSeller, uuidOf } from '../../helpers/fixtures';

export const PROMOTION_FIELDS = `id name status kind percentOff amountOff { amount } scope scopeIds trigger code startsAt endsAt
  budget { amount } budgetUsed { amount } perCustomerLimit minSubtotal { amount } stacking priority targeting`;

export const CREATE = `mutation ($input: PromotionCreateInput!) {
  promotionCreate(input: $input) { promotion { ${PROMOTION_FIELDS} } userErrors { field message code } }
}`;

export const CART_TOTALS = `query ($id: ID!) { cart(id: $id) {
  codes subtotal { amount } shipping { amount } discountTotal { amount } total { amount }
  lines { discount { amount } }
  sellerGroups { seller { id } discountTotal { amount } adjustments { source label target amount { amount } } }
  warnings { code reason message }
} }`;

export const APPLY = `mutation ($input: CartCodeInput!) {
  cartCodeApply(input: $input) { cart { codes discountTotal { amount } } warnings { code reason } userErrors { field message code } }
}`;

export const REMOVE = `mutation ($input: CartCodeInput!) {
  cartCodeRemove(input: $input) { cart { codes discountTotal { amount } } userErrors { field message code } }
}`;

export const CHECKOUT = `mutation ($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { checkout { id total { amount } orders { id discountTotal { amount } total { amount } } } warnings { code message } userErrors { field message code } }
}`;

export const BUY_NOW = `mutation ($input: BuyNowInput!) {
  buyNow(input: $input) { checkout { id total { amount } orders { id discountTotal { amount } total { amount } } } warnings { code message } userErrors { field message code } }
}`;

export async function createPromotion(t: TestApp, key: string, input: Record<string, unknown>) {
  const data = await t.data(CREATE, { input: { name: 'Promo', kind: 'PERCENTAGE', percentOff: 10, ...input } }, key);
  expect(data.promotionCreate.userErrors).toEqual([]);
  return data.promotionCreate.promotion as { id: string; [k: string]: unknown };
}

export async function listingOf(t: TestApp, seller: TestSeller, price: number, stock = 100, product: Record<string, unknown> = {}) {
  const p = await createProduct(t, seller.key, product);
  const listingId = await createListing(t, seller.key, p.variantIds[0]!, { price: { amount: price, currency: 'EUR' }, stock });
  return { listingId, productId: p.id };
}


/** Gives customers the personalization consent and traits straight in the database (as the personalization module would keep them). */
export async function consentWithTraits(t: TestApp, customerIds: string[], traits: { churnRisk?: number; predictedValue?: number } = {}) {
  await t.app.dataSource.query(
    `INSERT INTO customer_consent (customer_id, kind, granted, source) SELECT id, 'personalization', true, 'test' FROM unnest($1::uuid[]) id
     ON CONFLICT (customer_id, kind) DO UPDATE SET granted = true`,
    [customerIds],
  );
  await t.app.dataSource.query(
    `INSERT INTO customer_trait (customer_id, churn_risk, predicted_value_12m) SELECT id, $2, $3 FROM unnest($1::uuid[]) id
     ON CONFLICT (customer_id) DO UPDATE SET churn_risk = EXCLUDED.churn_risk, predicted_value_12m = EXCLUDED.predicted_value_12m`,
    [customerIds, traits.churnRisk ?? 0, traits.predictedValue ?? 0],
  );
}

export { uuidOf };
