import { startTestApp, ADMIN_KEY, type TestApp } from '../../helpers/test-app';
import { createCategory, createSeller, type TestSeller } from '../../helpers/fixtures';
import { insertCustomers } from '../../helpers/customers';
import { CREATE, PROMOTION_FIELDS, consentWithTraits, createPromotion, listingOf, uuidOf } from './promotion-fixtures';

let t: TestApp;
let acme: TestSeller;
let rival: TestSeller;

beforeAll(async () => {
  t = await startTestApp();
  [acme, rival] = [await createSeller(t), await createSeller(t)];
});
afterAll(() => t.stop());

const PREVIEW = `query ($input: PromotionPreviewInput!) { promotionPreview(input: $input) { reach { customers suppressed } userErrors { field message code } } }`;

describe('promotionCreate / Update / Pause / Archive', () => {
  it('creates every kind with its parameters and lists them on Seller.promotions, newest first', async () => {
    const { listingId } = await listingOf(t, acme, 1000);
    const pct = await createPromotion(t, acme.key, { name: '10% on everything', percentOff: 10 });
    expect(pct).toMatchObject({ status: 'ACTIVE', kind: 'PERCENTAGE', percentOff: 10, scope: 'ALL', trigger: 'AUTOMATIC', stacking: 'STACKABLE', priority: 0, targeting: null });
    const fixed = await createPromotion(t, acme.key, {
      name: '5 off this one', kind: 'FIXED_AMOUNT', percentOff: null, amountOff: { amount: 500, currency: 'EUR' }, scope: 'LISTINGS', scopeIds: [listingId],
      trigger: 'SHARED_CODE', code: 'five-OFF', budget: { amount: 5000, currency: 'EUR' }, perCustomerLimit: 1, minSubtotal: { amount: 2000, currency: 'EUR' },
      stacking: 'EXCLUSIVE', priority: 5, endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(fixed).toMatchObject({ kind: 'FIXED_AMOUNT', amountOff: { amount: 500 }, scopeIds: [listingId], code: 'five-OFF', budget: { amount: 5000 }, budgetUsed: { amount: 0 }, perCustomerLimit: 1, minSubtotal: { amount: 2000 } });
    const ship = await createPromotion(t, acme.key, { name: 'Free shipping', kind: 'FREE_SHIPPING', percentOff: null, trigger: 'UNIQUE_CODES' });
    expect(ship).toMatchObject({ kind: 'FREE_SHIPPING', percentOff: null, trigger: 'UNIQUE_CODES', code: null });

    const list = await t.data(`query ($id: ID!) { seller(id: $id) { promotions(first: 2) { nodes { name } pageInfo { hasNextPage endCursor } } } }`, { id: acme.id }, acme.key);
    expect(list.seller.promotions.nodes.map((p: any) => p.name)).toEqual(['Free shipping', '5 off this one']);
    const next = await t.data(`query ($id: ID!, $after: String) { seller(id: $id) { promotions(first: 2, after: $after) { nodes { name } } } }`, { id: acme.id, after: list.seller.promotions.pageInfo.endCursor }, acme.key);
    expect(next.seller.promotions.nodes.map((p: any) => p.name)).toEqual(['10% on everything']);
  });

  it('updates, pauses, resumes and archives; an archived promotion is final and frees its code', async () => {
    const p = await createPromotion(t, acme.key, { name: 'Spring', trigger: 'SHARED_CODE', code: 'SPRING26' });
    const taken = await t.data(CREATE, { input: { name: 'Copy', kind: 'PERCENTAGE', percentOff: 5, trigger: 'SHARED_CODE', code: 'spring26' } }, rival.key);
    expect(taken.promotionCreate.userErrors).toEqual([{ field: ['input', 'code'], message: expect.any(String), code: 'TAKEN' }]);
    const updated = await t.data(`mutation ($input: PromotionUpdateInput!) { promotionUpdate(input: $input) { promotion { name percentOff priority } userErrors { field code } } }`,
      { input: { id: p.id, name: 'Spring sale', percentOff: 15, priority: 3 } }, acme.key);
    expect(updated.promotionUpdate).toEqual({ promotion: { name: 'Spring sale', percentOff: 15, priority: 3 }, userErrors: [] });
    const status = async (m: string) => (await t.data(`mutation ($input: PromotionIdInput!) { ${m}(input: $input) { promotion { status } userErrors { code } } }`, { input: { id: p.id } }, acme.key))[m];
    expect(await status('promotionPause')).toEqual({ promotion: { status: 'PAUSED' }, userErrors: [] });
    expect(await status('promotionResume')).toEqual({ promotion: { status: 'ACTIVE' }, userErrors: [] });
    expect(await status('promotionArchive')).toEqual({ promotion: { status: 'ARCHIVED' }, userErrors: [] });
    expect(await status('promotionResume')).toEqual({ promotion: null, userErrors: [{ code: 'INVALID_STATE' }] });
    const reuse = await t.data(CREATE, { input: { name: 'Copy', kind: 'PERCENTAGE', percentOff: 5, trigger: 'SHARED_CODE', code: 'spring26' } }, rival.key);
    expect(reuse.promotionCreate.userErrors).toEqual([]);
  });

  it("refuses another seller's promotions and listings as not found, and keys without promotions:write", async () => {
    const mine = await createPromotion(t, acme.key, { name: 'Mine' });
    const theirs = await listingOf(t, rival, 1000);
    const wrongOwner = await t.data(`mutation ($input: PromotionUpdateInput!) { promotionUpdate(input: $input) { promotion { name } userErrors { field message code } } }`,
      { input: { id: mine.id, name: 'Hijacked' } }, rival.key);
    expect(wrongOwner.promotionUpdate).toEqual({ promotion: null, userErrors: [{ field: ['input', 'id'], message: 'Promotion not found.', code: 'NOT_FOUND' }] });
    const pause = await t.data(`mutation ($input: PromotionIdInput!) { promotionPause(input: $input) { userErrors { code } } }`, { input: { id: mine.id } }, rival.key);
    expect(pause.promotionPause.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    const foreign = await t.data(CREATE, { input: { name: 'x', kind: 'PERCENTAGE', percentOff: 5, scope: 'LISTINGS', scopeIds: [theirs.listingId] } }, acme.key);
    expect(foreign.promotionCreate.userErrors).toEqual([{ field: ['input', 'scopeIds', '0'], message: 'Listing not found.', code: 'NOT_FOUND' }]);
    const foreignProduct = await t.data(CREATE, { input: { name: 'x', kind: 'PERCENTAGE', percentOff: 5, scope: 'PRODUCTS', scopeIds: [theirs.productId] } }, acme.key);
    expect(foreignProduct.promotionCreate.userErrors).toEqual([{ field: ['input', 'scopeIds', '0'], message: 'Product not found.', code: 'NOT_FOUND' }]);
    const node = await t.data(`query ($id: ID!) { node(id: $id) { ... on Promotion { name } } }`, { id: mine.id }, rival.key);
    expect(node.node).toBeNull();
    const list = await t.request(`query ($id: ID!) { seller(id: $id) { promotions { nodes { name } } } }`, { id: acme.id }, rival.key);
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const key = await t.data(`mutation { sellerApiKeyCreate(input: { name: "catalog only", scopes: ["catalog:write"] }) { secret userErrors { code } } }`, {}, acme.key);
    const noScope = await t.request(CREATE, { input: { name: 'x', kind: 'PERCENTAGE', percentOff: 5 } }, key.sellerApiKeyCreate.secret);
    expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const guest = await t.request(CREATE, { input: { name: 'x', kind: 'PERCENTAGE', percentOff: 5 } });
    expect(guest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const admin = await t.data(`query ($id: ID!) { node(id: $id) { ... on Promotion { name } } }`, { id: mine.id }, ADMIN_KEY);
    expect(admin.node).toEqual({ name: 'Mine' });
  });

  it('validates the parameters of each kind, trigger, dates and bounds together', async () => {
    const errors = async (input: Record<string, unknown>) =>
      (await t.data(CREATE, { input: { name: 'x', kind: 'PERCENTAGE', ...input } }, acme.key)).promotionCreate.userErrors.map((e: any) => [e.field.join('.'), e.code]);
    expect(await errors({})).toEqual([['input.percentOff', 'BLANK']]);
    expect(await errors({ percentOff: 101, amountOff: { amount: 5, currency: 'EUR' } })).toEqual([['input.percentOff', 'INVALID']]);
    expect(await errors({ percentOff: 5, amountOff: { amount: 5, currency: 'EUR' } })).toEqual([['input.amountOff', 'INVALID']]);
    expect(await errors({ kind: 'FIXED_AMOUNT', amountOff: { amount: 5, currency: 'USD' } })).toEqual([['input.amountOff.currency', 'CURRENCY_NOT_SUPPORTED']]);
    expect(await errors({ percentOff: 5, trigger: 'SHARED_CODE' })).toEqual([['input.code', 'BLANK']]);
    expect(await errors({ percentOff: 5, trigger: 'SHARED_CODE', code: 'no spaces!' })).toEqual([['input.code', 'INVALID']]);
    expect(await errors({ percentOff: 5, code: 'AUTO' })).toEqual([['input.code', 'INVALID']]);
    expect(await errors({ percentOff: 5, scope: 'LISTINGS' })).toEqual([['input.scopeIds', 'INVALID']]);
    expect(await errors({ percentOff: 5, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' })).toEqual([['input.endsAt', 'INVALID']]);
    expect(await errors({ percentOff: 5, name: 'n'.repeat(101), perCustomerLimit: 0, priority: 5000 })).toEqual([
      ['input.name', 'TOO_LONG'], ['input.perCustomerLimit', 'INVALID'], ['input.priority', 'INVALID'],
    ]);
    expect(await errors({ percentOff: 5, scope: 'LISTINGS', scopeIds: Array.from({ length: 101 }, () => 'x') })).toEqual([['input.scopeIds', 'LIMIT_EXCEEDED']]);
  });
});

describe('targeting rules', () => {
  it('names the path of the wrong part of a rule', async () => {
    const category = await createCategory(t);
    const errors = async (targeting: unknown) =>
      (await t.data(CREATE, { input: { name: 'x', kind: 'PERCENTAGE', percentOff: 5, targeting } }, acme.key)).promotionCreate.userErrors.map((e: any) => [e.field, e.code]);
    expect(await errors({ all: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'VIEWED_CATEGORY', categoryId: category, min: 0, days: 7 }] })).toEqual([
      [['input', 'targeting', 'all', '1', 'min'], 'INVALID'],
    ]);
    expect(await errors({ any: [{ trait: 'CHURN_RISK', min: 2 }] })).toEqual([[['input', 'targeting', 'any', '0', 'min'], 'INVALID']]);
    expect(await errors({ not: { trait: 'NEW_CUSTOMER', min: 1 } })).toEqual([[['input', 'targeting', 'not', 'min'], 'INVALID']]);
    expect(await errors({ trait: 'CATEGORY_AFFINITY', min: 0.5 })).toEqual([[['input', 'targeting', 'categoryId'], 'BLANK']]);
    expect(await errors({ trait: 'CATEGORY_AFFINITY', min: 0.5, categoryId: acme.id })).toEqual([[['input', 'targeting', 'categoryId'], 'INVALID_ID']]);
    expect(await errors({ all: [] })).toEqual([[['input', 'targeting', 'all'], 'BLANK']]);
    expect(await errors({ trait: 'NEW_CUSTOMER', all: [{ trait: 'NEW_CUSTOMER' }] })).toEqual([[['input', 'targeting'], 'INVALID']]);
    expect(await errors({ trait: 'PRICE_SENSITIVITY', min: 0.8, max: 0.2 })).toEqual([[['input', 'targeting', 'max'], 'INVALID']]);
    const deep = { not: { not: { not: { not: { not: { trait: 'NEW_CUSTOMER' } } } } } };
    expect(await errors(deep)).toEqual([[['input', 'targeting', 'not', 'not', 'not', 'not', 'not'], 'LIMIT_EXCEEDED']]);
    const wide = { any: Array.from({ length: 25 }, () => ({ trait: 'NEW_CUSTOMER' })) };
    expect(await errors(wide)).toEqual([[['input', 'targeting', 'any'], 'LIMIT_EXCEEDED']]);
  });

  it('stores a valid rule and shows it back with global ids', async () => {
    const category = await createCategory(t);
    const targeting = { all: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'VIEWED_CATEGORY', categoryId: category, min: 3, days: 7 }] };
    const p = await createPromotion(t, acme.key, { name: 'Win back', targeting });
    expect(p.targeting).toEqual(targeting);
  });

  it('previews how many consenting customers a rule reaches, counts only, small counts suppressed', async () => {
    const seller = await createSeller(t);
    const { listingId } = await listingOf(t, seller, 1000);
    const risky = await insertCustomers(t, 12);
    const safe = await insertCustomers(t, 5);
    const unconsented = await insertCustomers(t, 7);
    await consentWithTraits(t, risky.map((c) => c.id), { churnRisk: 0.8, predictedValue: 50_000 });
    await consentWithTraits(t, safe.map((c) => c.id), { churnRisk: 0.1 });
    // Traits without the consent (withdrawn since): never counted.
    await t.app.dataSource.query(`INSERT INTO customer_trait (customer_id, churn_risk) SELECT id, 0.9 FROM unnest($1::uuid[]) id`, [unconsented.map((c) => c.id)]);
    const reach = async (targeting: unknown, key = seller.key) => (await t.data(PREVIEW, { input: { targeting } }, key)).promotionPreview;
    expect(await reach({ trait: 'CHURN_RISK', min: 0.6 })).toEqual({ reach: { customers: 12, suppressed: false }, userErrors: [] });
    expect(await reach({ all: [{ trait: 'CHURN_RISK', min: 0.6 }, { trait: 'PREDICTED_VALUE', min: 40000 }] })).toEqual({ reach: { customers: 12, suppressed: false }, userErrors: [] });
    expect(await reach({ not: { trait: 'CHURN_RISK', min: 0.6 } })).toMatchObject({ reach: { suppressed: expect.any(Boolean) } });
    expect(await reach({ trait: 'CHURN_RISK', max: 0.2 })).toEqual({ reach: { customers: 0, suppressed: true }, userErrors: [] });
    // Bought from this seller: 0 until they buy.
    expect(await reach({ trait: 'BOUGHT_FROM_SELLER' })).toEqual({ reach: { customers: 0, suppressed: false }, userErrors: [] });
    expect((await reach({ trait: 'CHURN_RISK', min: 7 })).userErrors).toEqual([{ field: ['input', 'targeting', 'min'], message: expect.any(String), code: 'INVALID' }]);
    expect(listingId).toBeDefined();
    const guest = await t.request(PREVIEW, { input: { targeting: { trait: 'NEW_CUSTOMER' } } });
    expect(guest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(uuidOf(seller.id)).toMatch(/-/);
    expect(PROMOTION_FIELDS).toContain('targeting');
  });
});
