import { randomUUID } from 'node:crypto';
import coCreation from '../../../plugins/co-creation';
import loyaltyPoints from '../../../plugins/loyalty-points';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { createListing, createProduct, createSeller, type TestSeller, uuidOf } from '../../helpers/fixtures';
import { cartWith, insertCustomers, type TestCustomer } from '../../helpers/customers';
import { until } from '../../helpers/until';

let t: TestApp;
let seller: TestSeller;
let listingId: string;
beforeAll(async () => {
  t = await startTestApp({ plugins: [loyaltyPoints, coCreation], migrateOnStart: true, eventPollIntervalMs: 50, pluginRetryBaseMs: 50 });
  seller = await createSeller(t);
  const product = await createProduct(t, seller.key);
  listingId = await createListing(t, seller.key, product.variantIds[0]!, { price: { amount: 2500, currency: 'EUR' }, stock: 100 });
  for (const [plugin, config] of [['loyalty-points', { pointsPerEuro: 2 }], ['co-creation', { voteThreshold: 3 }]] as const) {
    const res = await t.data(
      'mutation ($input: PluginInstallInput!) { pluginInstall(input: $input) { userErrors { field message code } } }',
      { input: { plugin, config } },
      seller.key,
    );
    expect(res.pluginInstall.userErrors).toEqual([]);
  }
});
afterAll(() => t.stop());

const EXPORT = 'mutation { customerDataExport { data userErrors { code } } }';
const ERASE = 'mutation ($input: CustomerEraseInput!) { customerErase(input: $input) { erased userErrors { field code } } }';

/** A delivered order of one listing, so nothing is left open to refuse the erasure. */
async function deliveredOrder(customer: TestCustomer): Promise<string> {
  const res = await t.data(
    'mutation ($input: BuyNowInput!) { buyNow(input: $input) { checkout { orders { id } } userErrors { code message } } }',
    { input: { listingId, quantity: 1, idempotencyKey: randomUUID() } },
    customer.token,
  );
  expect(res.buyNow.userErrors).toEqual([]);
  const id: string = res.buyNow.checkout.orders[0].id;
  const fulfil = await t.data(
    'mutation ($input: OrderFulfillInput!) { orderFulfill(input: $input) { userErrors { code } } }',
    { input: { id, carrier: 'Correos', trackingNumber: 'PK1' } },
    seller.key,
  );
  expect(fulfil.orderFulfill.userErrors).toEqual([]);
  const deliver = await t.data('mutation ($input: OrderIdInput!) { orderMarkDelivered(input: $input) { userErrors { code } } }', { input: { id } }, seller.key);
  expect(deliver.orderMarkDelivered.userErrors).toEqual([]);
  return uuidOf(id);
}

async function propose(customer: TestCustomer, title: string): Promise<string> {
  const res = await t.data(
    'mutation ($input: CoCreationProposalCreateInput!) { coCreationProposalCreate(input: $input) { proposal { id } userErrors { code } } }',
    { input: { sellerId: seller.id, title, description: 'Big enough for two.' } },
    customer.token,
  );
  expect(res.coCreationProposalCreate.userErrors).toEqual([]);
  return res.coCreationProposalCreate.proposal.id;
}

async function vote(customer: TestCustomer, proposalId: string): Promise<void> {
  const res = await t.data('mutation ($input: CoCreationVoteInput!) { coCreationVote(input: $input) { userErrors { code } } }', { input: { proposalId } }, customer.token);
  expect(res.coCreationVote.userErrors).toEqual([]);
}

async function exportOf(customer: TestCustomer) {
  const res = await t.data(EXPORT, {}, customer.token);
  expect(res.customerDataExport.userErrors).toEqual([]);
  return res.customerDataExport.data;
}

/** A customer with an order, a cart, loyalty points, a proposal of their own and a vote on another's. */
async function customerWithEverything() {
  const [customer, other] = await insertCustomers(t, 2);
  const orderId = await deliveredOrder(customer!);
  await until(async () => (await t.sql('SELECT 1 FROM loyalty_points_account WHERE customer_id = $1', [customer!.id])).length > 0);
  await cartWith(t, customer!.token, [{ listingId, quantity: 2 }]);
  const own = await propose(customer!, 'A raincoat for two');
  const others = await propose(other!, 'Socks with pockets');
  await vote(customer!, others);
  await vote(other!, own);
  const complaint = await t.data(
    'mutation ($input: ComplaintOpenInput!) { complaintOpen(input: $input) { userErrors { code } } }',
    { input: { orderId: Buffer.from(`Order:${orderId}`).toString('base64url'), reason: 'DAMAGED', description: 'Torn at the seam.', desiredResolution: 'REFUND' } },
    customer!.token,
  );
  expect(complaint.complaintOpen.userErrors).toEqual([]);
  return { customer: customer!, other: other!, orderId, own, others };
}

describe('customer data export and erasure', () => {
  it('exports core data in its shape and each plugin’s rows under plugins', async () => {
    const { customer, orderId, own, others } = await customerWithEverything();
    const data = await exportOf(customer);
    expect(Object.keys(data).sort()).toEqual(['addresses', 'carts', 'complaints', 'consents', 'exportedAt', 'invoices', 'offers', 'orders', 'paymentMethods', 'personalization', 'plugins', 'profile', 'promotions', 'reviews']);
    expect(data.profile).toEqual({ id: customer.id, email: `${customer.id}@example.com`, name: expect.any(String), locale: 'en', vatNumber: null, createdAt: expect.any(String) });
    expect(data.addresses).toEqual([expect.objectContaining({ line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' })]);
    expect(data.paymentMethods).toEqual([{ provider: 'test', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: true }]);
    expect(data.consents).toEqual([]);
    expect(data.orders).toEqual([
      expect.objectContaining({ id: orderId, state: 'delivered', currency: 'EUR', lines: [expect.objectContaining({ quantity: 1, unitPrice: 2500 })] }),
    ]);
    expect(data.invoices).toEqual([expect.objectContaining({ kind: 'invoice', currency: 'EUR' })]);
    expect(data.complaints).toEqual([expect.objectContaining({ orderId, reason: 'damaged', description: 'Torn at the seam.', messages: [] })]);
    expect(data.carts).toEqual(expect.arrayContaining([expect.objectContaining({ lines: [{ listingId: uuidOf(listingId), quantity: 2 }] })]));

    const sellerId = uuidOf(seller.id);
    expect(data.plugins['loyalty-points']).toEqual({
      accounts: [expect.objectContaining({ sellerId, balance: expect.any(Number), currency: 'EUR' })],
      entries: [expect.objectContaining({ sellerId, orderId, kind: 'earn', points: data.plugins['loyalty-points'].accounts[0].balance })],
    });
    expect(data.plugins['loyalty-points'].accounts[0].balance).toBeGreaterThan(0);
    expect(data.plugins['co-creation']).toEqual({
      proposals: [expect.objectContaining({ id: uuidOf(own), sellerId, title: 'A raincoat for two', status: 'open', votes: 1 })],
      votes: [expect.objectContaining({ proposalId: uuidOf(others), sellerId })],
    });
  });

  it('erases the customer’s plugin rows with the core data, keeping the invoices and other customers’ counts true', async () => {
    const { customer, other, orderId, own, others } = await customerWithEverything();
    const res = await t.data(ERASE, { input: { confirmEmail: `${customer.id}@example.com` } }, customer.token);
    expect(res.customerErase).toEqual({ erased: true, userErrors: [] });

    const count = async (table: string) => (await t.sql(`SELECT count(*)::int AS n FROM ${table} WHERE customer_id = $1`, [customer.id]))[0].n;
    for (const table of ['loyalty_points_account', 'loyalty_points_entry', 'co_creation_proposal', 'co_creation_vote']) expect([table, await count(table)]).toEqual([table, 0]);
    // The other customer's vote went with the erased proposal; theirs lost the erased customer's vote.
    expect(await t.sql('SELECT id FROM co_creation_proposal WHERE id = $1', [uuidOf(own)])).toEqual([]);
    expect(await t.sql('SELECT votes FROM co_creation_proposal WHERE id = $1', [uuidOf(others)])).toEqual([{ votes: 0 }]);
    expect(await t.sql('SELECT count(*)::int AS n FROM co_creation_vote WHERE customer_id = $1', [other.id])).toEqual([{ n: 0 }]);

    const [row] = await t.sql('SELECT email, name, erased_at AS "erasedAt" FROM customer WHERE id = $1', [customer.id]);
    expect(row).toEqual({ email: `erased-${customer.id}@erased.invalid`, name: 'Erased customer', erasedAt: expect.any(Date) });
    for (const table of ['customer_address', 'payment_method', 'customer_consent']) expect([table, await count(table)]).toEqual([table, 0]);
    expect(await t.sql('SELECT count(*)::int AS n FROM cart_line l JOIN cart c ON c.id = l.cart_id WHERE c.customer_id = $1', [customer.id])).toEqual([{ n: 0 }]);
    expect(await t.sql('SELECT email, shipping_address AS "shippingAddress" FROM cart WHERE customer_id = $1 AND (email IS NOT NULL OR shipping_address IS NOT NULL)', [customer.id])).toEqual([]);
    const [order] = await t.sql('SELECT shipping_address AS a FROM orders WHERE id = $1', [orderId]);
    expect(order.a).toEqual({ name: 'Erased customer', country: 'ES', postalCode: '28013', line1: '', line2: null, city: '', region: null, phone: null });
    expect(await count('invoice')).toBe(1);
    expect(await t.sql('SELECT description FROM complaint WHERE customer_id = $1', [customer.id])).toEqual([{ description: '(erased)' }]);
  });

  it('keeps a converted proposal, the provenance of a product, when its author is erased', async () => {
    const [author, ...voters] = await insertCustomers(t, 4);
    const id = await propose(author!, 'A hat with a brim for rain');
    for (const v of voters) await vote(v, id);
    const converted = await t.data(
      'mutation ($input: CoCreationProposalConvertInput!) { coCreationProposalConvert(input: $input) { product { id } userErrors { code } } }',
      { input: { proposalId: id, price: { amount: 1500, currency: 'EUR' }, preorderStock: 5 } },
      seller.key,
    );
    expect(converted.coCreationProposalConvert.userErrors).toEqual([]);
    const res = await t.data(ERASE, { input: { confirmEmail: `${author!.id}@example.com` } }, author!.token);
    expect(res.customerErase.userErrors).toEqual([]);
    expect(await t.sql('SELECT status, votes FROM co_creation_proposal WHERE id = $1', [uuidOf(id)])).toEqual([{ status: 'converted', votes: 3 }]);
  });
});
