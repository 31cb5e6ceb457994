import { startPluginTestApp, type PluginTestApp, type TestCustomer, type TestSeller } from 'zoco/plugin/testing';
import coCreation from '../index';
import { CONVERT, REJECT, UNINSTALL, VOTE, install, propose, uuidOf, voteBy } from './co-creation.fixtures';

let t: PluginTestApp;
let seller: TestSeller;
let other: TestSeller;
let author: TestCustomer;
let voter: TestCustomer;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [coCreation] });
  seller = await t.seller();
  other = await t.seller();
  await install(t, seller, { voteThreshold: 1, maxOpenProposalsPerCustomer: 100 });
  await install(t, other, { voteThreshold: 1 });
  [author, voter] = (await t.customers(2)) as [TestCustomer, TestCustomer];
});
afterAll(() => t.stop());

async function approved(to = seller, title?: string): Promise<string> {
  const id = await propose(t, author, to, title);
  await voteBy(t, id, [voter]);
  return id;
}

const convertInput = (proposalId: string, extra: Record<string, unknown> = {}) => ({
  input: { proposalId, price: { amount: 4900, currency: 'EUR' }, preorderStock: 150, ...extra },
});

const PRODUCT = `query ($id: ID!) { product(id: $id) { title status coCreatedFrom { id title status votes product { id } } } }`;

describe('co-creation: the seller decides', () => {
  it('converts an approved proposal into an active product taking pre-orders, linked both ways', async () => {
    const id = await approved(seller, 'Rain poncho for cyclists');
    const res = await t.data(CONVERT, convertInput(id), seller.key);
    const { proposal, product, userErrors } = res.coCreationProposalConvert;
    expect(userErrors).toEqual([]);
    expect(product).toEqual({
      id: expect.any(String),
      title: 'Rain poncho for cyclists',
      status: 'ACTIVE',
      description: 'Big enough for a couple walking the dog.',
      images: [],
      listings: [{ stock: 150, price: { amount: 4900, currency: 'EUR' }, handlingDays: 10 }],
    });
    expect(proposal).toEqual({ id, status: 'CONVERTED', product: { id: product.id } });
    const view = await t.data(PRODUCT, { id: product.id });
    expect(view.product).toEqual({
      title: 'Rain poncho for cyclists',
      status: 'ACTIVE',
      coCreatedFrom: { id, title: 'Rain poncho for cyclists', status: 'CONVERTED', votes: 1, product: { id: product.id } },
    });
    const catalog = await t.data('query ($s: ID!) { products(first: 10, filter: { seller: $s }) { nodes { id priceRange { min { amount } } coCreatedFrom { id } } } }', { s: seller.id });
    expect(catalog.products.nodes).toEqual([{ id: product.id, priceRange: { min: { amount: 4900 } }, coCreatedFrom: { id } }]);
    const again = await t.data(CONVERT, convertInput(id), seller.key);
    expect(again.coCreationProposalConvert.userErrors[0]).toMatchObject({ field: ['input', 'proposalId'], code: 'INVALID_STATE' });
  });

  it('makes one product from concurrent conversions', async () => {
    const id = await approved();
    const results = await Promise.all(Array.from({ length: 5 }, () => t.data(CONVERT, convertInput(id), seller.key)));
    const ok = results.filter((r) => r.coCreationProposalConvert.userErrors.length === 0);
    expect(ok).toHaveLength(1);
    const [{ n }] = await t.app.dataSource.query(`SELECT count(*)::int AS n FROM listing WHERE sku = $1`, [`CC-${uuidOf(id)}`]);
    expect(n).toBe(1);
  });

  it('creates a draft, visible to its seller only, when asked', async () => {
    const id = await approved();
    const res = await t.data(CONVERT, convertInput(id, { draft: true, title: 'Poncho (prototype)', handlingDays: 30 }), seller.key);
    const product = res.coCreationProposalConvert.product;
    expect(product).toMatchObject({ title: 'Poncho (prototype)', status: 'DRAFT', listings: [{ stock: 150, handlingDays: 30 }] });
    expect((await t.data(PRODUCT, { id: product.id })).product).toBeNull();
    expect((await t.data(PRODUCT, { id: product.id }, seller.key)).product.coCreatedFrom.id).toBe(id);
  });

  it('validates the offer and converts only approved proposals', async () => {
    const open = await propose(t, author, seller);
    const early = await t.data(CONVERT, convertInput(open), seller.key);
    expect(early.coCreationProposalConvert.userErrors).toEqual([
      { field: ['input', 'proposalId'], message: 'The proposal is OPEN; only APPROVED proposals can be converted.', code: 'INVALID_STATE' },
    ]);
    const id = await approved();
    const bad = await t.data(CONVERT, convertInput(id, { price: { amount: -1, currency: 'USD' }, preorderStock: 0, handlingDays: 61 }), seller.key);
    expect(bad.coCreationProposalConvert.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.price.amount', 'NEGATIVE'],
      ['input.price.currency', 'CURRENCY_NOT_SUPPORTED'],
      ['input.preorderStock', 'INVALID'],
      ['input.handlingDays', 'INVALID'],
    ]);
  });

  it("keeps sellers to their own proposals: another seller's is NOT_FOUND, customers are FORBIDDEN", async () => {
    const id = await approved();
    const foreign = await t.data(CONVERT, convertInput(id), other.key);
    expect(foreign.coCreationProposalConvert.userErrors[0]).toMatchObject({ field: ['input', 'proposalId'], code: 'NOT_FOUND' });
    const foreignReject = await t.data(REJECT, { input: { proposalId: id } }, other.key);
    expect(foreignReject.coCreationProposalReject.userErrors[0].code).toBe('NOT_FOUND');
    expect((await t.request(REJECT, { input: { proposalId: id } }, author.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const outsider = await t.seller();
    expect((await t.request(REJECT, { input: { proposalId: id } }, outsider.key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rejected = await t.data(REJECT, { input: { proposalId: id, reason: 'Too close to an existing product.' } }, seller.key);
    expect(rejected.coCreationProposalReject).toEqual({ proposal: { status: 'REJECTED', rejectionReason: 'Too close to an existing product.' }, userErrors: [] });
    const twice = await t.data(REJECT, { input: { proposalId: id } }, seller.key);
    expect(twice.coCreationProposalReject.userErrors[0].code).toBe('INVALID_STATE');
    expect((await t.data(CONVERT, convertInput(id), seller.key)).coCreationProposalConvert.userErrors[0].code).toBe('INVALID_STATE');
  });

  it('keeps the data on uninstall for a reinstall, and purges it when asked', async () => {
    const s = await t.seller();
    await install(t, s, { voteThreshold: 1 });
    const id = await approved(s);
    const productId = (await t.data(CONVERT, convertInput(id), s.key)).coCreationProposalConvert.product.id;
    const open = await propose(t, author, s);
    const rows = async () =>
      (await t.app.dataSource.query('SELECT (SELECT count(*)::int FROM co_creation_proposal WHERE seller_id = $1) AS p, (SELECT count(*)::int FROM co_creation_vote WHERE seller_id = $1) AS v', [uuidOf(s.id)]))[0];

    expect((await t.data(UNINSTALL, { input: { plugin: 'co-creation', purge: false } }, s.key)).pluginUninstall).toEqual({ purged: false, userErrors: [] });
    expect(await rows()).toEqual({ p: 2, v: 1 });
    expect((await t.data(PRODUCT, { id: productId })).product.coCreatedFrom).toBeNull();
    expect((await t.data('query ($id: ID!) { node(id: $id) { id } }', { id: open })).node).toBeNull();
    expect((await t.data(VOTE, { input: { proposalId: open } }, voter.token)).coCreationVote.userErrors[0].code).toBe('NOT_FOUND');
    expect((await t.request('query ($s: ID!) { coCreationProposals(sellerId: $s) { nodes { id } } }', { s: s.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await install(t, s, { voteThreshold: 1 });
    expect((await t.data(PRODUCT, { id: productId })).product.coCreatedFrom.id).toBe(id);
    await t.data(UNINSTALL, { input: { plugin: 'co-creation', purge: true } }, s.key);
    expect(await rows()).toEqual({ p: 0, v: 0 });
    await install(t, s, { voteThreshold: 1 });
    expect((await t.data(PRODUCT, { id: productId })).product).toEqual({ title: expect.any(String), status: 'ACTIVE', coCreatedFrom: null });
  });
});
