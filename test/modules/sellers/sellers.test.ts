import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { createProduct, createSeller } from '../../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const SELLER_CREATE = `mutation ($input: SellerCreateInput!) {
  sellerCreate(input: $input) { seller { id slug status } apiKeySecret userErrors { field message code } }
}`;

describe('sellers', () => {
  it('lets the operator register a seller and hands out its first key once', async () => {
    const seller = await createSeller(t, 'acme');
    expect(seller.key).toMatch(/^zsk_/);
    const data = await t.data('{ currentSeller { slug apiKeys { prefix scopes revokedAt } } }', {}, seller.key);
    expect(data.currentSeller.slug).toBe('acme');
    expect(data.currentSeller.apiKeys).toHaveLength(1);
    expect(seller.key.startsWith(data.currentSeller.apiKeys[0].prefix)).toBe(true);
  });

  it('refuses sellerCreate to guests, customers and sellers', async () => {
    const seller = await createSeller(t);
    const input = { slug: 'intruder', name: 'Intruder' };
    const guest = await t.request(SELLER_CREATE, { input });
    expect(guest.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bySeller = await t.request(SELLER_CREATE, { input }, seller.key);
    expect(bySeller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reports a taken slug and an invalid slug as userErrors', async () => {
    await createSeller(t, 'taken-slug');
    const taken = await t.data(SELLER_CREATE, { input: { slug: 'taken-slug', name: 'Again' } }, ADMIN_KEY);
    expect(taken.sellerCreate.userErrors).toEqual([{ field: ['input', 'slug'], message: expect.any(String), code: 'TAKEN' }]);
    const bad = await t.data(SELLER_CREATE, { input: { slug: 'Not A Slug', name: '' } }, ADMIN_KEY);
    expect(bad.sellerCreate.userErrors.map((e: { code: string }) => e.code).sort()).toEqual(['BLANK', 'INVALID']);
  });

  it('lets a seller update only itself', async () => {
    const a = await createSeller(t);
    const b = await createSeller(t);
    const own = await t.data(
      `mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { seller { name } userErrors { code } } }`,
      { input: { name: 'Renamed' } },
      a.key,
    );
    expect(own.sellerUpdate.seller.name).toBe('Renamed');
    const other = await t.request(
      `mutation ($input: SellerUpdateInput!) { sellerUpdate(input: $input) { seller { name } } }`,
      { input: { sellerId: b.id, name: 'Hijacked' } },
      a.key,
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const check = await t.data('query ($id: ID!) { seller(id: $id) { name } }', { id: b.id });
    expect(check.seller.name).not.toBe('Hijacked');
  });

  it('creates scoped keys, refuses wider scopes and revokes keys', async () => {
    const seller = await createSeller(t);
    const created = await t.data(
      `mutation ($input: SellerApiKeyCreateInput!) {
        sellerApiKeyCreate(input: $input) { apiKey { id scopes } secret userErrors { code } }
      }`,
      { input: { name: 'no-catalog', scopes: ['settings:write', 'keys:write'] } },
      seller.key,
    );
    const limited = created.sellerApiKeyCreate;
    expect(limited.apiKey.scopes).toEqual(['settings:write', 'keys:write']);
    const denied = await t.request(
      `mutation { productCreate(input: { title: "Nope" }) { userErrors { code } } }`,
      {},
      limited.secret,
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const wider = await t.data(
      `mutation ($input: SellerApiKeyCreateInput!) { sellerApiKeyCreate(input: $input) { secret userErrors { code } } }`,
      { input: { name: 'escalate', scopes: ['catalog:write'] } },
      limited.secret,
    );
    expect(wider.sellerApiKeyCreate.secret).toBeNull();
    expect(wider.sellerApiKeyCreate.userErrors[0].code).toBe('FORBIDDEN');
    const unknown = await t.data(
      `mutation ($input: SellerApiKeyCreateInput!) { sellerApiKeyCreate(input: $input) { userErrors { field code } } }`,
      { input: { name: 'typo', scopes: ['catalog:wirte'] } },
      seller.key,
    );
    expect(unknown.sellerApiKeyCreate.userErrors).toEqual([{ field: ['input', 'scopes'], code: 'INVALID' }]);

    const revoked = await t.data(
      `mutation ($input: SellerApiKeyRevokeInput!) { sellerApiKeyRevoke(input: $input) { apiKey { revokedAt } userErrors { code } } }`,
      { input: { id: limited.apiKey.id } },
      seller.key,
    );
    expect(revoked.sellerApiKeyRevoke.apiKey.revokedAt).not.toBeNull();
    const after = await t.request('{ currentSeller { slug } }', {}, limited.secret);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("answers NOT_FOUND when a seller revokes another seller's key", async () => {
    const a = await createSeller(t);
    const b = await createSeller(t);
    const keys = await t.data('{ currentSeller { apiKeys { id } } }', {}, b.key);
    const res = await t.data(
      `mutation ($input: SellerApiKeyRevokeInput!) { sellerApiKeyRevoke(input: $input) { apiKey { id } userErrors { code } } }`,
      { input: { id: keys.currentSeller.apiKeys[0].id } },
      a.key,
    );
    expect(res.sellerApiKeyRevoke).toEqual({ apiKey: null, userErrors: [{ code: 'NOT_FOUND' }] });
    expect((await t.request('{ currentSeller { slug } }', {}, b.key)).status).toBe(200);
  });

  it('hides a suspended seller, its listings and its keys; reactivation restores them', async () => {
    const seller = await createSeller(t);
    const product = await createProduct(t, seller.key);
    await t.data(
      `mutation ($input: ListingCreateInput!) { listingCreate(input: $input) { userErrors { code } } }`,
      { input: { variantId: product.variantIds[0], sku: 'S-1', price: { amount: 500, currency: 'EUR' }, stock: 3 } },
      seller.key,
    );
    const visible = await t.data('query ($slug: String!) { product(slug: $slug) { listings { sku } priceRange { min { amount } } } }', { slug: product.slug });
    expect(visible.product.listings).toHaveLength(1);

    await t.data(
      `mutation ($input: SellerSuspendInput!) { sellerSuspend(input: $input) { seller { status } userErrors { code } } }`,
      { input: { sellerId: seller.id, reason: 'fraud review' } },
      ADMIN_KEY,
    );
    const hidden = await t.data(
      'query ($slug: String!, $id: ID!) { product(slug: $slug) { listings { sku } priceRange { min { amount } } } seller(id: $id) { slug } }',
      { slug: product.slug, id: seller.id },
    );
    expect(hidden.product).toEqual({ listings: [], priceRange: null });
    expect(hidden.seller).toBeNull();
    expect((await t.request('{ currentSeller { slug } }', {}, seller.key)).status).toBe(401);
    const forOperator = await t.data('query ($id: ID!) { seller(id: $id) { status } }', { id: seller.id }, ADMIN_KEY);
    expect(forOperator.seller.status).toBe('SUSPENDED');

    await t.data(
      `mutation ($input: SellerReactivateInput!) { sellerReactivate(input: $input) { seller { status } } }`,
      { input: { sellerId: seller.id } },
      ADMIN_KEY,
    );
    const back = await t.data('query ($slug: String!) { product(slug: $slug) { listings { sku } } }', { slug: product.slug });
    expect(back.product.listings).toEqual([{ sku: 'S-1' }]);
  });

  it('lists active sellers with keyset pagination', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await t.data(
        'query ($after: String) { sellers(first: 2, after: $after) { nodes { slug status } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      seen.push(...page.sellers.nodes.map((s: { slug: string }) => s.slug));
      expect(page.sellers.nodes.every((s: { status: string }) => s.status === 'ACTIVE')).toBe(true);
      after = page.sellers.pageInfo.hasNextPage ? page.sellers.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('acme');
  });
});
