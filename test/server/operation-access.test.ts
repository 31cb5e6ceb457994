import { MAX_INPUT_VALUES } from '../../src/server/input-checks';
import { insertCustomers, type TestCustomer } from '../helpers/customers';
import { createSeller, type TestSeller } from '../helpers/fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { wsClient, wsRequest } from '../helpers/ws-client';

/**
 * The operation gate (src/server/operation-access.ts): a caller without the role or scope a root field needs
 * is refused before the operation's arguments are coerced, costed or checked, with the error the field itself
 * gave before. The inputs below are ones those steps refuse (more values than the input checks take, an enum
 * value that does not exist): an authorised caller gets that BAD_USER_INPUT, an unauthorised one the same
 * refusal as for a small valid input, so no step that reads arguments ran for it.
 */
let t: TestApp;
let seller: TestSeller;
let scopeless: string;
let customer: TestCustomer;

beforeAll(async () => {
  t = await startTestApp();
  seller = await createSeller(t);
  const key = await t.data(
    'mutation ($input: SellerApiKeyCreateInput!) { sellerApiKeyCreate(input: $input) { secret userErrors { message } } }',
    { input: { name: 'no scopes', scopes: [] } },
    seller.key,
  );
  scopeless = key.sellerApiKeyCreate.secret;
  [customer] = (await insertCustomers(t, 1)) as [TestCustomer];
});
afterAll(() => t.stop());

const PREVIEW = 'query ($input: PromotionPreviewInput!) { promotionPreview(input: $input) { reach { customers } userErrors { code } } }';
const leaf = { trait: 'CHURN_RISK', min: 0.5 };
const small = { targeting: leaf };
/** ~0.3 MB of rules (three values each): more values than the input checks let through. */
const huge = { targeting: { any: Array.from({ length: MAX_INPUT_VALUES / 2 }, () => leaf) } };
/** An enum value that does not exist: graphql-js's coercion of the variables refuses it. */
const invalid = { targeting: { any: Array.from({ length: 200 }, () => ({ trait: 'NO_SUCH_TRAIT' })) } };

const refusals = [
  { who: 'a guest', token: () => undefined, code: 'UNAUTHENTICATED', message: 'A seller API key is required.' },
  { who: 'a customer', token: () => customer.token, code: 'FORBIDDEN', message: 'Only sellers can do this.' },
  { who: 'a seller key without promotions:write', token: () => scopeless, code: 'FORBIDDEN', message: 'This API key lacks the promotions:write scope.' },
];

describe('promotionPreview refuses an unauthorised caller before reading its input', () => {
  it.each(refusals)('answers $who the same for a huge, an invalid and a small input', async ({ token, code, message }) => {
    const expected = { status: 200, errors: [{ message, locations: [{ line: 1, column: 42 }], path: ['promotionPreview'], extensions: { code } }] };
    for (const input of [small, huge, invalid]) {
      const res = await t.request(PREVIEW, { input }, token());
      // No data (no field ran) and no extensions.cost (the cost estimate, which coerces the variables, did not run).
      expect(res).toEqual(expected);
    }
  });

  it('still reads the input of a seller key with the scope: the same inputs are its mistakes', async () => {
    // Refused before its variables are coerced: no field could take that many values (input-checks.ts).
    const tooMany = await t.request(PREVIEW, { input: huge }, seller.key);
    expect(tooMany.status).toBe(400);
    expect(tooMany.errors).toEqual([expect.objectContaining({ message: `The variable $input holds more than ${MAX_INPUT_VALUES} values.`, extensions: { code: 'BAD_USER_INPUT' } })]);
    const wrong = await t.request(PREVIEW, { input: invalid }, seller.key);
    expect(wrong.status).toBe(400);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.data(PREVIEW, { input: small }, seller.key)).promotionPreview).toEqual({ reach: { customers: 0 }, userErrors: [] });
  });

  it('refuses the same way over WebSocket', async () => {
    const ws = wsClient(t.app.wsUrl);
    try {
      const res = await wsRequest(ws, PREVIEW, { input: huge });
      expect(res.errors).toEqual([expect.objectContaining({ message: 'A seller API key is required.', path: ['promotionPreview'], extensions: { code: 'UNAUTHENTICATED' } })]);
    } finally {
      await ws.dispose();
    }
    const sellers = wsClient(t.app.wsUrl, seller.key);
    try {
      const res = await wsRequest(sellers, PREVIEW, { input: huge });
      expect(res.errors).toEqual([expect.objectContaining({ message: `The variable $input holds more than ${MAX_INPUT_VALUES} values.`, extensions: { code: 'BAD_USER_INPUT' } })]);
    } finally {
      await sellers.dispose();
    }
  });
});

describe('the operation gate', () => {
  it('applies @Authorized roles before the input checks (a NUL byte was BAD_USER_INPUT for anyone)', async () => {
    const CREATE = 'mutation ($input: CategoryCreateInput!) { categoryCreate(input: $input) { category { id } } }';
    const input = { name: 'bad\u0000name', slug: 'bad' };
    const guest = await t.request(CREATE, { input });
    expect(guest.errors).toEqual([expect.objectContaining({ message: 'Sign in to do this.', path: ['categoryCreate'], extensions: { code: 'UNAUTHENTICATED' } })]);
    const bySeller = await t.request(CREATE, { input }, seller.key);
    expect(bySeller.errors).toEqual([expect.objectContaining({ message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } })]);
  });

  it('refuses the whole operation when one root field is refused, in fragments too, and skips what @skip leaves out', async () => {
    const mixed = await t.request(`query ($input: PromotionPreviewInput!) { categories { id } ... on Query { ...P } } fragment P on Query { p: promotionPreview(input: $input) { userErrors { code } } }`, { input: small });
    expect(mixed).toEqual({
      status: 200,
      errors: [expect.objectContaining({ message: 'A seller API key is required.', path: ['p'], extensions: { code: 'UNAUTHENTICATED' } })],
    });
    const query = 'query ($input: PromotionPreviewInput!, $seller: Boolean!) { categories { id } promotionPreview(input: $input) @include(if: $seller) { userErrors { code } } }';
    const skipped = await t.request(query, { input: small, seller: false });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data).toEqual({ categories: [] });
  });
});
